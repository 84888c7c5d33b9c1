"""release/ est exactement ce que nbgrader generate_assignment produit de source/, sans secret.

Que chaque test noté échoue sur l'amorce de release/ (sans réponse, zéro point), la copie « vide »
de tests/test_autograde.py le prouve, par nbgrader autograde, pour chaque devoir.
"""

import json

import pytest

from notebook_text import MARKERS, secret_lines
from paths import assignments, course_copy, nbgrader, release_notebook


@pytest.mark.parametrize("assignment", assignments())
def test_release_matches_generate_assignment(assignment, tmp_path):
    course_copy(tmp_path, [assignment])
    nbgrader("generate_assignment", assignment, "--force", cwd=tmp_path)
    generated = tmp_path / "release" / assignment / f"{assignment}.ipynb"
    assert generated.read_bytes() == release_notebook(assignment).read_bytes(), (
        "release/ n'est pas à jour : lancez bash scripts/generer_release.sh"
    )


@pytest.mark.parametrize("assignment", assignments())
def test_release_contains_no_solution_and_no_hidden_test(assignment):
    text = release_notebook(assignment).read_text(encoding="utf-8")
    for marker in MARKERS:
        assert marker.lstrip("# ") not in text
    sources = "\n".join(
        line.strip()
        for cell in json.loads(text)["cells"]
        for line in "".join(cell["source"]).splitlines()
    ).splitlines()
    for kind in ("solution", "hidden"):
        secrets = secret_lines(assignment, kind)
        assert secrets, f"aucune ligne {kind} repérée dans la source"
        leaked = secrets & set(sources)
        assert not leaked, f"{kind} visible dans release/ : {sorted(leaked)[:3]}"
