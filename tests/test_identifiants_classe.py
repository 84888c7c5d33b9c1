"""Un étudiant ne disparaît jamais du tableau : ``python -m autograder corriger`` sur une classe
au format ``submitted/`` dont deux dossiers portent un identifiant qu'un tableur lirait comme une
formule (``=1+2``, ``+1=2``).

Avant, les deux devenaient ``_1_2`` : une seule ligne « plusieurs copies », aucune des deux notée,
et rien ne reliait ``_1_2`` aux dossiers reçus. Chacun a maintenant sa ligne (identifiant de
remplacement ``id_refuse_…``, statut français qui cite le dossier), sa copie gardée dans
``copies_refusees/``, et aucune case des CSV ne commence une formule. Une seule classe corrigée
(seule la copie d'Alice est exécutée) ; le reste est vérifié sans exécution dans test_collect.py
et test_report.py.
"""

import csv

import nbformat
import pytest

from notebook_text import correct_submission
from paths import course_copy, nbgrader
from test_correction_classe import ASSIGNMENT, grade, rows

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULAS = ("=1+2", "+1=2")


def cells(path):
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = course_copy(tmp_path_factory.mktemp("identifiants"), [ASSIGNMENT])
    nbgrader("generate_assignment", ASSIGNMENT, cwd=course)
    copies = course / "rendus"
    sent = {}
    for student in ("alice", *FORMULAS):
        folder = copies / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(correct_submission(ASSIGNMENT), folder / f"{ASSIGNMENT}.ipynb")
        sent[student] = (folder / f"{ASSIGNMENT}.ipynb").read_bytes()
    output = grade(course, copies)
    return {"course": course, "output": output, "rows": rows(course), "sent": sent}


def test_every_folder_has_its_own_row_with_a_french_status(graded):
    table = graded["rows"]
    assert len(table) == 3, table
    assert (table["alice"]["total"], table["alice"]["statut"]) == ("2", "notée")
    refused = {row["statut"].split("»")[0]: row for student, row in table.items() if student != "alice"}
    assert sorted(refused) == sorted(f"identifiant d'étudiant refusé : « {name} " for name in FORMULAS)
    for row in refused.values():
        assert row["etudiant"].startswith("id_refuse_") and row["total"] == "0"
        assert "renommez son dossier ou son fichier" in row["statut"]
    assert "identifiant d'étudiant refusé (2)" in graded["output"]


def test_refused_copies_are_kept_and_never_reach_nbgrader_folders(graded):
    course, table = graded["course"], graded["rows"]
    kept = course / "rapports" / ASSIGNMENT / "copies_refusees"
    for name in FORMULAS:
        [student] = [s for s, row in table.items() if f"« {name} »" in row["statut"]]
        assert (kept / f"{student}.ipynb").read_bytes() == graded["sent"][name]
    for step in ("submitted", "autograded", "feedback"):
        assert sorted(p.name for p in (course / step).iterdir()) == ["alice"]


def test_no_cell_of_the_reports_starts_a_formula(graded):
    folder = graded["course"] / "rapports" / ASSIGNMENT
    for path in (folder / f"notes_{ASSIGNMENT}.csv", folder / f"moodle_{ASSIGNMENT}.csv"):
        table = cells(path)
        assert len(table) == 4
        for line in table:
            assert not [cell for cell in line if cell.startswith(FORMULA_START)], (path.name, line)
