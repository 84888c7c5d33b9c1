"""Cellules d'illustration (autograder/illustrations.py) : ce que le correcteur de classe saute.

Que les tests cachés ne dépendent d'aucune cellule ordinaire, le banc des variantes le prouve (il
ne les exécute jamais) ; que le correcteur garde tous les points d'une copie juste en les sautant,
``test_correction_classe.test_correct_copies_of_every_assignment_get_full_marks_unflagged`` le
vérifie de bout en bout. Ici : la règle elle-même, sur de petits notebooks.
"""

import sys

import nbformat
import pytest

from notebook_text import correct_submission, nbgrader_meta, read
from paths import ROOT, source_notebook

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from autograder import contract, illustrations  # noqa: E402


def notebook(*cells):
    """Un notebook de cellules de code ; chaque cellule : texte, ou ``(texte, "illustration")``,
    ou ``(texte, {métadonnées nbgrader})``."""
    nb = nbformat.v4.new_notebook()
    for cell in cells:
        source, extra = (cell, None) if isinstance(cell, str) else cell
        new = nbformat.v4.new_code_cell(source)
        if extra == "illustration":
            new.metadata["tags"] = ["illustration"]
        elif extra:
            new.metadata["tags"] = ["illustration"]
            new.metadata["nbgrader"] = extra
        nb.cells.append(new)
    return nb


SOLUTION = {"solution": True, "grade": False, "locked": False, "grade_id": "f"}
TEST = {"solution": False, "grade": True, "locked": True, "grade_id": "test_f", "points": 1}


def test_a_figure_nobody_reads_is_skipped():
    nb = notebook("x = charger()", ("figure = tracer(x)\nfigure.show()", "illustration"),
                  ("def f(a):\n    return a + 1", SOLUTION), ("assert f(1) == 2", TEST))
    assert illustrations.skipped_cells(nb) == {1}


def test_an_untagged_cell_always_runs():
    nb = notebook("figure = tracer(x)", ("assert f(1) == 2", TEST))
    assert illustrations.skipped_cells(nb) == set()


def test_an_answer_that_reads_an_illustration_keeps_it():
    """La réponse de l'étudiant lit ``seuil``, défini par une illustration : la cellule s'exécute."""
    nb = notebook(("seuil = mesurer()", "illustration"),
                  ("def f(a):\n    return a > seuil", SOLUTION), ("assert f(1)", TEST))
    assert illustrations.skipped_cells(nb) == set()


def test_a_chain_of_illustrations_is_kept_when_its_end_is_read():
    nb = notebook(("a = 1", "illustration"), ("b = a + 1", "illustration"), ("c = 3", "illustration"),
                  ("assert b == 2", TEST))
    assert illustrations.skipped_cells(nb) == {2}


def test_nbgrader_cells_are_never_skipped_even_tagged():
    """Une étiquette ajoutée par l'étudiant à sa réponse ou à un test ne les fait pas sauter."""
    nb = notebook(("def f(a):\n    return a", SOLUTION), ("assert f(1) == 1", TEST),
                  ("x = 1", {"solution": False, "grade": False, "locked": True, "grade_id": "imports"}))
    assert illustrations.skipped_cells(nb) == set()


def test_names_local_to_functions_loops_and_comprehensions_are_not_reads():
    nb = notebook(("k = 5\nz = 2\nentree = 0\nbande = None", "illustration"),
                  "def g(x):\n    bande = x\n    return [k * 2 for k in bande]\n"
                  "for entree in (1, 2):\n    print(entree)\nz = 3\nprint(z)",
                  ("assert g([1]) == [2]", TEST))
    assert illustrations.skipped_cells(nb) == {0}


@pytest.mark.parametrize("reader", ["x += 1", "del x", "print(x)", "def h():\n    return x",
                                    "y = [x for _ in range(2)]", "class C:\n    v = x",
                                    "for i in x:\n    pass", "with x as y:\n    pass",
                                    "try:\n    pass\nexcept ValueError:\n    print(x)",
                                    "if True:\n    x = 2\nprint(x)", "x[0] = 1", "x.a = 1",
                                    "%time print(x)", "!echo {x}", "print(globals()['x'])",
                                    "print(eval('x'))", "import __main__\nprint(__main__.x)"])
def test_every_way_of_reading_a_name_keeps_its_illustration(reader):
    nb = notebook(("x = [1]", "illustration"), reader)
    assert illustrations.skipped_cells(nb) == set(), reader


def test_a_cell_that_does_not_parse_binds_and_reads_nothing():
    """Elle lèvera SyntaxError à l'exécution, comme sous nbgrader ; une illustration illisible
    est exécutée (elle aussi lèvera)."""
    nb = notebook(("x = 1", "illustration"), "print(x", ("y = (", "illustration"))
    assert illustrations.skipped_cells(nb) == {0}


@pytest.mark.parametrize("assignment", contract.load().ids)
def test_every_tag_of_source_is_a_plain_cell_that_grading_skips(assignment):
    """Pas d'étiquette décorative : chaque cellule marquée est une cellule ordinaire, sautée dans
    le notebook source comme dans une copie juste (les réponses de référence n'en lisent rien)."""
    source = read(source_notebook(assignment))
    tagged = {i for i, cell in enumerate(source.cells) if illustrations.tagged(cell)}
    assert tagged, f"{assignment} : aucune cellule d'illustration"
    for i in tagged:
        cell = source.cells[i]
        assert cell.cell_type == "code" and not nbgrader_meta(cell), (assignment, i)
        assert cell.metadata["tags"] == [illustrations.TAG], (assignment, i)
    assert illustrations.skipped_cells(source) == tagged
    submission = correct_submission(assignment)
    assert {i for i in illustrations.skipped_cells(submission)} == {
        i for i, cell in enumerate(submission.cells) if illustrations.tagged(cell)}
