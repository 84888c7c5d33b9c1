"""Corriger depuis un autre dossier de cours que celui de l'environnement installé.

Un enseignant garde un dossier par semestre (ou une deuxième copie du dépôt) et corrige depuis
celui-ci avec l'environnement installé depuis le premier : ``course`` y est installé en mode
éditable et pointe vers le premier dossier. Le correcteur, lancé depuis le second, importe le
``course`` de son dossier courant et c'est lui que le bac à sable monte ; le noyau doit importer
ce même paquet (pas celui que l'environnement désigne, invisible dans le bac à sable : chaque copie
échouait à ``from course import …``, tous les étudiants avaient 0, statut « notée »).

On fabrique ce second dossier (configuration, ``autograder``, ``source/`` et ``course/`` copiés,
sans environnement) et on y corrige, pour chaque lancement des noyaux : le noyau importe le
``course`` du second dossier (marqué), et une copie juste a tous les points.
"""

import csv
import json
import shutil
import subprocess
import sys

import nbformat
import pytest

from notebook_text import correct_submission
from paths import ROOT, component_missing, course_copy, environment, nbgrader
from test_processus import LAUNCH_IDS, LAUNCHES, mode_or_skip

ASSIGNMENT = "00_prise_en_main"
MARK = "MARQUE_DU_SECOND_DOSSIER = 'second dossier'\n"

# Lancé dans le second dossier : ``autograder`` et ``course`` viennent de lui (dossier courant en
# tête des chemins d'import), comme pour ``python -m autograder`` lancé depuis ce dossier.
GRADE_ONE = r'''
import json, sys
import nbformat
from nbformat.v4 import new_code_cell, new_notebook
import autograder, course
from autograder import execute
from autograder.isolation import sandbox
code = ("import course\n"
        "print(repr(getattr(course, 'MARQUE_DU_SECOND_DOSSIER', None)))")
nb = new_notebook(cells=[new_code_cell(code)])
graded = execute.grade_notebook(nbformat.writes(nb), sandbox.Limits(cell_timeout=60), sys.argv[1],
                                preload=sys.argv[2] == "True")
cell = nbformat.reads(graded.notebook, as_version=4).cells[0]
print(json.dumps({"correcteur": [autograder.__file__, course.__file__], "fallback": graded.fallback,
                  "sorties": [o.get("text") or f"{o.get('ename')}: {o.get('evalue')}" for o in cell.outputs]}))
'''


@pytest.fixture(scope="module")
def second_folder(tmp_path_factory):
    """Un second dossier de cours, hors du dépôt ; son ``course`` porte une marque."""
    folder = course_copy(tmp_path_factory.mktemp("second_semestre"), [ASSIGNMENT])
    shutil.copytree(ROOT / "course", folder / "course", ignore=shutil.ignore_patterns("__pycache__"))
    with open(folder / "course" / "__init__.py", "a", encoding="utf-8") as init:
        init.write("\n" + MARK)
    return folder


def test_the_environment_points_elsewhere(second_folder):
    """Garde-fou : hors du second dossier, l'environnement importe un autre ``course`` (sinon le
    test ne prouverait rien)."""
    found = subprocess.run([sys.executable, "-c", "import course; print(course.__file__)"],
                           cwd=ROOT.parent, env=environment(), capture_output=True, text=True, check=True)
    assert str(second_folder) not in found.stdout, found.stdout


@pytest.mark.parametrize(("mode", "preload"), LAUNCHES, ids=LAUNCH_IDS)
def test_kernel_imports_the_course_package_of_the_graded_folder(second_folder, mode, preload):
    mode_or_skip(mode, preload)
    result = subprocess.run([sys.executable, "-c", GRADE_ONE, mode, str(preload)], cwd=second_folder,
                            env=environment(), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert all(path.startswith(str(second_folder)) for path in report["correcteur"]), report
    assert report["fallback"] is None, report
    assert report["sorties"] == ["'second dossier'\n"], report


def test_a_correct_copy_gets_full_marks_from_the_second_folder(second_folder):
    if shutil.which("bwrap") is None:
        component_missing("bubblewrap absent")
    nbgrader("generate_assignment", ASSIGNMENT, cwd=second_folder)
    copies = second_folder / "copies"
    copies.mkdir()
    nbformat.write(correct_submission(ASSIGNMENT), copies / f"ana_{ASSIGNMENT}.ipynb")
    result = subprocess.run(
        [sys.executable, "-m", "autograder", "corriger", ASSIGNMENT, str(copies), "--travailleurs", "1",
         "--sans-barre"], cwd=second_folder, env=environment(), capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    with open(second_folder / "rapports" / ASSIGNMENT / f"notes_{ASSIGNMENT}.csv", newline="",
              encoding="utf-8") as file:
        (row,) = list(csv.DictReader(file))
    assert row["total"] == row["total_max"] and float(row["total"]) > 0, row
    assert row["statut"] == "notée", row
