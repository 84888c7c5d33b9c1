"""Les réponses justes des catalogues de variantes, corrigées par la commande de l'enseignant.

Le banc des variantes (``variant_harness.py``) juge chaque réponse dans un seul noyau ; ici, les
mêmes réponses justes passent par ``python -m autograder corriger tous`` (bac à sable, modèle de
noyaux, sondes, témoins et empreintes de la détection de falsification) : chacune garde tous ses
points et **aucune n'est signalée**. Une copie par rang de variante et par devoir : la copie
``juste<i>`` répond à chaque fonction notée du devoir par sa i-ième réponse juste (la dernière
quand le catalogue de la fonction en a moins), si bien que chaque réponse juste est corrigée au
moins une fois.
"""

import nbformat
import pytest

import test_variantes_00_prise_en_main as v00
import test_variantes_01_ae_lineaire as v01
import test_variantes_02_ae_dense as v02
import test_variantes_03_ae_convolutif as v03
import test_variantes_04_vae as v04
import test_variantes_05_gan as v05
import test_variantes_06_applications as v06
from notebook_text import correct_submission, nbgrader_meta
from partage import une_fois
from paths import assignments, course_copy, nbgrader
from test_correction_classe import grade, rows

CATALOGUES = (v00, v01, v02, v03, v04, v05, v06)
CORRECT = {  # devoir -> {fonction notée: {variante: code}}
    module.ASSIGNMENT: {function: correct for function, (_, correct) in module.CATALOGUE.items()}
    for module in CATALOGUES
}


def copies(assignment):
    """``{étudiant: notebook}`` : les copies ``juste0``, ``juste1``… du devoir."""
    catalogue = {function: list(variants.values()) for function, variants in CORRECT[assignment].items()}
    result = {}
    for rank in range(max(len(v) for v in catalogue.values())):
        nb = correct_submission(assignment)
        for cell in nb.cells:
            variants = catalogue.get(nbgrader_meta(cell).get("grade_id"))
            if variants and nbgrader_meta(cell).get("solution"):
                cell.source = variants[min(rank, len(variants) - 1)]
        result[f"juste{rank}"] = nb
    return result


def test_every_assignment_has_its_catalogue():
    assert sorted(CORRECT) == assignments()


@pytest.fixture(scope="module")
def notes(tmp_path_factory):
    return une_fois(tmp_path_factory, "variantes_commande", lambda: grade_variants(tmp_path_factory))


def grade_variants(tmp_path_factory):
    """Les copies ``juste<i>`` de tous les devoirs, corrigées en une commande : ``{devoir: lignes}``."""
    root = tmp_path_factory.mktemp("variantes")
    course = course_copy(root, assignments())
    for assignment in assignments():
        nbgrader("generate_assignment", assignment, cwd=course)
        for student, nb in copies(assignment).items():
            path = root / "rendus" / student / assignment / f"{assignment}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
    grade(course, root / "rendus", assignment="tous", cell_timeout=None)
    return {assignment: list(rows(course, assignment).values()) for assignment in assignments()}


@pytest.mark.parametrize("assignment", assignments())
def test_correct_answers_keep_full_marks_and_are_never_flagged(notes, assignment):
    assert len(notes[assignment]) == len(copies(assignment))
    for row in notes[assignment]:
        assert row["total"] == row["total_max"], (assignment, row)
        assert (row["statut"], row["a_verifier"]) == ("notée", ""), (assignment, row)
