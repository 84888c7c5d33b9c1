"""Le correcteur sans activer l'environnement : ``.venv/bin/python -m autograder …`` lancé comme
par une tâche cron (PATH réduit à ``/usr/bin:/bin``, sans le dossier des exécutables de
l'environnement) trouve quand même ``alembic``, que nbgrader lance par son nom ; un exécutable
qui manque vraiment est une erreur en français, sans trace Python."""

import os
import subprocess
import sys

import nbformat
import pytest

from notebook_text import correct_submission
from paths import BIN, ROOT, course_copy, environment

ASSIGNMENT = "00_prise_en_main"
CRON_PATH = "/usr/bin:/bin"  # le PATH d'une tâche cron


def unactivated():
    """L'environnement des sous-processus, sans le dossier de l'environnement Python dans le PATH."""
    env = environment(PATH=CRON_PATH)
    env.pop("VIRTUAL_ENV", None)
    assert str(BIN) not in env["PATH"].split(os.pathsep)
    return env


def run(args, cwd, timeout=900):
    return subprocess.run([str(BIN / "python"), "-m", "autograder", *args], cwd=cwd, env=unactivated(),
                          capture_output=True, text=True, timeout=timeout)


def test_grading_works_without_the_environment_on_path(tmp_path):
    course = course_copy(tmp_path, [ASSIGNMENT])
    (course / "copies").mkdir()
    nbformat.write(correct_submission(ASSIGNMENT), course / "copies" / f"ana_{ASSIGNMENT}.ipynb")
    result = run(["corriger", ASSIGNMENT, "copies", "--travailleurs", "1", "--sans-barre"], course)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    notes = (course / "rapports" / ASSIGNMENT / f"notes_{ASSIGNMENT}.csv").read_text(encoding="utf-8")
    assert "ana,,2,2,2,notée," in notes, notes


def test_self_assessment_works_without_the_environment_on_path(tmp_path):
    notebook = tmp_path / f"{ASSIGNMENT}.ipynb"
    nbformat.write(correct_submission(ASSIGNMENT), notebook)
    result = run(["auto-evaluer", str(notebook)], ROOT, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "2 / 2" in result.stdout, result.stdout


def test_a_missing_executable_is_a_french_error(monkeypatch):
    from autograder.executables import require  # noqa: PLC0415

    monkeypatch.setenv("PATH", CRON_PATH)
    require("alembic")  # celui de l'environnement, trouvé
    assert os.environ["PATH"].split(os.pathsep)[0] == os.path.dirname(sys.executable)
    with pytest.raises(SystemExit) as error:
        require("alembic", "executable_absent_du_cours")
    message = str(error.value)
    assert message.startswith("Erreur : exécutable introuvable : executable_absent_du_cours ("), message
    assert "réinstallez-le (bash scripts/installer.sh" in message
