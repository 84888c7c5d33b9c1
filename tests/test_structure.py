"""Forme des notebooks : sans sorties, métadonnées propres, contrat de COURSE.md respecté."""

import re

import pytest

from notebook_text import nbgrader_meta, read
from paths import ROOT, assignments, release_notebook, source_notebook

COURSE_MD = ROOT.parent / "shared" / "COURSE.md"


def contract():
    """``{devoir: [fonctions notées]}`` lu dans le tableau du parcours de COURSE.md (§1)."""
    if not COURSE_MD.exists():
        pytest.skip(f"spécification absente ({COURSE_MD}) : le contrat ne peut être vérifié ici")
    table = {}
    for line in COURSE_MD.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 5 and re.fullmatch(r"`\d\d_\w+`", cells[1]):
            table[cells[1].strip("`")] = re.findall(r"`(\w+)`", cells[4])
    return table


@pytest.mark.parametrize("assignment", assignments())
def test_source_has_no_outputs_and_no_editor_metadata(assignment):
    # nbgrader ajoute lui-même « deletable » et « editable » aux cellules verrouillées de release/.
    allowed = {source_notebook(assignment): {"nbgrader"},
               release_notebook(assignment): {"nbgrader", "deletable", "editable"}}
    for path, keys in allowed.items():
        nb = read(path)
        assert set(nb.metadata) <= {"kernelspec", "language_info"}, path
        for cell in nb.cells:
            assert set(cell.metadata) <= keys, (path, cell.metadata)
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path


@pytest.mark.parametrize("assignment", assignments())
def test_grade_ids_follow_the_contract(assignment):
    functions = contract()[assignment]
    cells = read(source_notebook(assignment)).cells
    ids = [nbgrader_meta(c)["grade_id"] for c in cells if nbgrader_meta(c)]
    assert len(ids) == len(set(ids)), "grade_id en double"
    assert "imports" in ids, "il faut une cellule verrouillée 'imports' (banc des variantes)"
    solutions = {nbgrader_meta(c)["grade_id"]: c.source for c in cells if nbgrader_meta(c).get("solution")}
    tests = [nbgrader_meta(c)["grade_id"] for c in cells if nbgrader_meta(c).get("grade")]
    for function in functions:
        assert function in solutions, f"pas de cellule solution '{function}'"
        assert f"def {function}(" in solutions[function]
        assert any(t.startswith(f"test_{function}") for t in tests), f"pas de test de {function}"
    allowed = tuple(f"test_{f}" for f in functions) + ("test_reponse_q",)
    for test in tests:
        assert test.startswith(allowed), f"{test} ne nomme aucune fonction du contrat"


@pytest.mark.parametrize("assignment", assignments())
def test_every_assignment_is_in_the_course_map(assignment):
    assert assignment in contract()
