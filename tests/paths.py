"""Chemins et commandes partagés par les tests."""

import os
import pathlib
import shutil
import subprocess
import sys

from autograder.executables import put_environment_first

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE = ROOT / "source"
RELEASE = ROOT / "release"
BIN = pathlib.Path(sys.executable).parent


def component_missing(reason):
    """Un composant réel manque (bubblewrap, PostgreSQL, Chromium…) : le test saute sur un poste
    de développement, avec la raison ; il échoue en CI (``COURSE_CI=1``, posé par ``.ci/run``),
    où rien ne doit manquer."""
    import pytest  # noqa: PLC0415

    if os.environ.get("COURSE_CI") == "1":
        pytest.fail(f"{reason} (COURSE_CI=1 : en CI, ce test ne saute jamais)")
    pytest.skip(reason)


def assignments():
    """Renvoie les identifiants des devoirs présents dans source/, triés."""
    return sorted(p.name for p in SOURCE.iterdir() if (p / f"{p.name}.ipynb").exists())


def source_notebook(assignment):
    return SOURCE / assignment / f"{assignment}.ipynb"


def release_notebook(assignment):
    return RELEASE / assignment / f"{assignment}.ipynb"


def environment(**extra):
    """Environnement des sous-processus : .venv/bin en tête du PATH (nbgrader appelle alembic)."""
    env = put_environment_first(dict(os.environ))  # la fonction du correcteur (autograder/executables.py)
    env.pop("COURSE_BUDGET", None)
    env.pop("NBGRADER_EXECUTION", None)
    env.update(extra)
    return env


def nbgrader(*args, cwd, check=True, timeout=900):
    """Lance ``nbgrader ARGS`` dans ``cwd`` ; renvoie le CompletedProcess (sortie capturée)."""
    result = subprocess.run(
        [str(BIN / "nbgrader"), *args],
        cwd=cwd,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"nbgrader {' '.join(args)} a échoué ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result


def course_copy(destination, assignments_to_copy=None):
    """Copie la configuration nbgrader et source/ dans ``destination`` (un cours jetable)."""
    destination = pathlib.Path(destination)
    shutil.copy(ROOT / "nbgrader_config.py", destination)
    shutil.copytree(ROOT / "autograder", destination / "autograder",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for assignment in assignments_to_copy or assignments():
        shutil.copytree(SOURCE / assignment, destination / "source" / assignment,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return destination
