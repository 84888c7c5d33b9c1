"""Les accidents de structure d'une copie honnête ne coûtent jamais sa note (ticket 20, partie 4).

Chaque accident (cellule dupliquée, coupée, fusionnée, de type changé, supprimée, déplacée,
ajoutée, métadonnées nbgrader effacées ou modifiées par un autre éditeur) est fait à la main sur
une copie de ``00_prise_en_main``, une fois avec la bonne réponse (elle doit garder 2 / 2) et une
fois avec une mauvaise (``division par 256`` : elle doit garder 0). Deux niveaux :

- ``record.prepare`` seul (sans noyau) : la copie préparée a les cellules de l'enseignant du
  carnet, une seule fois chacune, dans l'ordre du devoir, la réponse de l'étudiant, les points du
  carnet, et la liste des réparations le dit ;
- toute la classe (les deux versions de chaque accident, plus une copie intacte) corrigée d'un
  seul ``python -m autograder corriger … --travailleurs 2`` : notes et statuts du CSV.
"""

import copy
import re

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.preprocessors import (
    CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells, OverwriteKernelspec,
)

import test_variantes_00_prise_en_main as v00
from autograder import record
from autograder.pipeline import source_grade_ids
from notebook_text import correct_submission, nbgrader_meta, read
from partage import une_fois
from paths import ROOT, course_copy, nbgrader, release_notebook
from test_correction_classe import grade, rows

ASSIGNMENT = "00_prise_en_main"
ORDER = source_grade_ids(ROOT, ASSIGNMENT)  # grade_id du notebook source, dans l'ordre
WRONG = v00.WRONG["division par 256"]
ANSWERS = {"juste": None, "faux": WRONG}  # None : la solution de référence


# --- Fabrication des copies ---------------------------------------------------------------------

def answered(code):
    """La version étudiante, la cellule ``normaliser`` remplie par ``code`` (None : la référence)."""
    nb = correct_submission(ASSIGNMENT)
    if code is not None:
        nb.cells[index(nb, "normaliser")].source = code.strip("\n")
    return nb


def index(nb, grade_id):
    return next(i for i, c in enumerate(nb.cells) if nbgrader_meta(c).get("grade_id") == grade_id)


def clone(cell, **changes):
    """Copie d'une cellule comme la fait JupyterLab (copier-coller : nouvel identifiant)."""
    new = copy.deepcopy(cell)
    new["id"] = f"{cell.get('id', 'x')}-copie"
    new.update(changes)
    return new


def duplicated_test(nb):
    i = index(nb, "test_normaliser")
    nb.cells.insert(i + 1, clone(nb.cells[i]))
    return nb


def answer_duplicated(nb):
    """La réponse copiée-collée, et l'amorce d'origine restée en dessous."""
    i = index(nb, "normaliser")
    stub = read(release_notebook(ASSIGNMENT)).cells[i].source
    nb.cells[i + 1:i + 1] = [clone(nb.cells[i]), clone(nb.cells[i], source=stub, id="amorce")]
    return nb


def answer_split(nb):
    """JupyterLab (Ctrl+Maj+-) : les deux morceaux gardent les métadonnées, coupés après ``def``."""
    i = index(nb, "normaliser")
    first, rest = nb.cells[i].source.split("\n", 1)
    nb.cells[i:i + 1] = [clone(nb.cells[i], source=first, id="haut"), clone(nb.cells[i], source=rest)]
    return nb


def answer_split_bare(nb):
    """Coupée à la main : la suite de la réponse dans une nouvelle cellule, sans métadonnées."""
    i = index(nb, "normaliser")
    first, rest = nb.cells[i].source.split("\n", 1)
    nb.cells[i].source = first
    nb.cells.insert(i + 1, nbformat.v4.new_code_cell(rest))
    return nb


def answer_and_test_merged(nb):
    """Réponse et test fusionnés (Maj+M) : les métadonnées de la première, les textes réunis."""
    i, t = index(nb, "normaliser"), index(nb, "test_normaliser")
    nb.cells[i].source += "\n\n" + nb.cells[t].source
    del nb.cells[t]
    return nb


def merged_test_and_code(nb):
    """Le test fusionné avec la cellule de code de l'étudiant qui le suit."""
    t = index(nb, "test_normaliser")
    following = next(i for i in range(t + 1, len(nb.cells)) if nb.cells[i].cell_type == "code")
    nb.cells[t].source += "\n\n" + nb.cells[following].source
    del nb.cells[following]
    return nb


def answer_to_markdown(nb):
    cell = nb.cells[index(nb, "normaliser")]
    cell.cell_type = "markdown"
    del cell["outputs"], cell["execution_count"]
    return nb


def markdown_test(nb):
    cell = nb.cells[index(nb, "test_normaliser")]
    cell.cell_type = "markdown"
    del cell["outputs"], cell["execution_count"]
    return nb


def deleted_test(nb):
    del nb.cells[index(nb, "test_normaliser")]
    return nb


def header_deleted(nb):
    """En-tête, consignes et imports (verrouillés) supprimés."""
    nb.cells = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") not in ("entete", "consignes", "imports")]
    return nb


def moved_test(nb):
    """Le test déplacé au-dessus de la réponse."""
    test = nb.cells.pop(index(nb, "test_normaliser"))
    nb.cells.insert(index(nb, "normaliser"), test)
    return nb


def cells_added(nb):
    """Une fonction auxiliaire de l'étudiant avant sa réponse, un brouillon, et une cellule notée
    de son invention (10 points)."""
    i = index(nb, "normaliser")
    nb.cells.insert(i, nbformat.v4.new_code_cell("ECHELLE = 255.0\nprint('brouillon')"))
    extra = nbformat.v4.new_code_cell("assert True")
    extra.metadata["nbgrader"] = {"grade": True, "grade_id": "mon_test", "locked": True, "points": 10,
                                  "schema_version": 3, "solution": False, "task": False}
    nb.cells.insert(index(nb, "test_normaliser") + 1, extra)
    return nb


def answer_metadata_stripped(nb):
    """Métadonnées nbgrader effacées de la réponse (outil de nettoyage, réponse recopiée)."""
    nb.cells[index(nb, "normaliser")].metadata.pop("nbgrader")
    return nb


def stripped_test_metadata(nb):
    nb.cells[index(nb, "test_normaliser")].metadata.pop("nbgrader")
    return nb


def all_metadata_stripped(nb):
    """Toutes les métadonnées nbgrader effacées (cellules recopiées dans un notebook neuf)."""
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
    return nb


def points_edited(nb):
    nb.cells[index(nb, "test_normaliser")].metadata["nbgrader"]["points"] = 100
    return nb


def grade_flag_flipped(nb):
    """Le test n'est plus « noté » ni verrouillé, la réponse est devenue verrouillée."""
    nb.cells[index(nb, "test_normaliser")].metadata["nbgrader"].update(grade=False, locked=False)
    nb.cells[index(nb, "normaliser")].metadata["nbgrader"].update(solution=False, locked=True)
    return nb


def other_editor(nb):
    """Enregistrée par un autre éditeur : drapeaux de verrouillage perdus, identifiants de cellule
    renouvelés, métadonnées de l'éditeur ajoutées (comme VS Code), et la cellule de test, qui n'y
    est plus verrouillée, modifiée."""
    test = nb.cells[index(nb, "test_normaliser")]
    test.source = test.source.replace("assert ", "assert True or ", 1)
    for n, cell in enumerate(nb.cells):
        cell["id"] = f"vscode-{n}"
        cell.metadata.pop("editable", None)
        cell.metadata.pop("deletable", None)
        cell.metadata["vscode"] = {"languageId": "python" if cell.cell_type == "code" else "markdown"}
        if "nbgrader" in cell.metadata:
            cell.metadata["nbgrader"].pop("locked")
    return nb


# accident -> (fabrication, statut attendu de la copie juste : expression régulière)
ACCIDENTS = {
    "test_double": (duplicated_test, r"cellule de test « test_normaliser » en double retirée"),
    "reponse_double": (answer_duplicated, r"cellule réponse « normaliser » en double \(identique ou non remplie\) retirée"),
    "reponse_coupee": (answer_split, r"cellule réponse « normaliser » coupée en plusieurs cellules : morceaux réunis"),
    "reponse_coupee_nue": (answer_split_bare, r"cellule réponse « normaliser » coupée en plusieurs cellules"),
    "reponse_test_fusionnes": (answer_and_test_merged, r"cellule de test « test_normaliser » fusionnée"),
    "test_code_fusionnes": (merged_test_and_code, r"cellule de test « test_normaliser » fusionnée"),
    "reponse_en_texte": (answer_to_markdown, r"type de la cellule réponse « normaliser » rétabli \(code\)"),
    "test_en_texte": (markdown_test, r"type de la cellule de test « test_normaliser » rétabli \(code\)"),
    "test_supprime": (deleted_test, r"cellule de test « test_normaliser » absente : remise d'après le carnet"),
    "entete_supprimee": (header_deleted, r"cellule verrouillée « imports » absente : remise d'après le carnet"),
    "test_deplace": (moved_test, r"cellules du devoir remises dans leur ordre"),
    "cellules_ajoutees": (cells_added, r"cellule notée inconnue « mon_test » : exécutée comme une cellule ordinaire"),
    "metadonnees_reponse_effacees": (answer_metadata_stripped,
                                     r"cellule réponse « normaliser » reconnue à son contenu"),
    "metadonnees_test_effacees": (stripped_test_metadata,
                                  r"cellule de test « test_normaliser » reconnue à son contenu"),
    "metadonnees_toutes_effacees": (all_metadata_stripped,
                                    r"cellule réponse « normaliser » reconnue à son contenu.*"
                                    r"cellule de test « test_normaliser » reconnue à son contenu"),
    "points_modifies": (points_edited, r"points de la cellule de test « test_normaliser » modifiés dans la copie "
                                       r"\(100\) : ceux du devoir comptent \(2\)"),
    "drapeaux_modifies": (grade_flag_flipped, r"métadonnées nbgrader de la cellule de test « test_normaliser » "
                                              r"modifiées"),
    "autre_editeur": (other_editor, r"^notée ; cellule de test « test_normaliser » modifiée dans la copie : "
                                    r"remise d'après le carnet$"),
}


def copy_with(accident, answer):
    return ACCIDENTS[accident][0](answered(ANSWERS[answer]))


# --- record.prepare, sans noyau -----------------------------------------------------------------

@pytest.fixture(scope="module")
def gradebook(tmp_path_factory):
    course = course_copy(tmp_path_factory.mktemp("carnet"), [ASSIGNMENT])
    nbgrader("generate_assignment", ASSIGNMENT, cwd=course)
    return record.gradebook_url(None, course)


def prepared(db_url, nb):
    text, repairs = record.prepare(db_url, ASSIGNMENT, "eleve", nbformat.writes(nb).encode("utf-8"), ORDER)
    return nbformat.reads(text, as_version=4), repairs


def instructor(db_url):
    """``{grade_id: (type, texte)}`` des cellules du carnet, et les points des cellules notées."""
    with Gradebook(db_url) as gb:
        notebook = gb.find_notebook(ASSIGNMENT, ASSIGNMENT)
        return ({c.name: (c.cell_type, c.source) for c in notebook.source_cells},
                {c.name: float(c.max_score) for c in notebook.grade_cells})


@pytest.mark.parametrize("answer", sorted(ANSWERS))
@pytest.mark.parametrize("accident", sorted(ACCIDENTS))
def test_prepare_restores_the_assignment(gradebook, accident, answer):
    """La copie préparée : les cellules de l'enseignant une fois chacune, dans l'ordre du devoir,
    verrouillées d'après le carnet (texte, type, points), la réponse de l'étudiant exécutable
    avant le test, et les réparations dites."""
    nb, repairs = prepared(gradebook, copy_with(accident, answer))
    sources, points = instructor(gradebook)
    ids = [nbgrader_meta(c).get("grade_id") for c in nb.cells if nbgrader_meta(c)]
    assert ids == ORDER
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("locked"):
            assert (cell.cell_type, cell.source) == sources[meta["grade_id"]]
        assert meta.get("points") == points.get(meta.get("grade_id"))
        assert bool(meta.get("grade")) == (meta.get("grade_id") in points)
    assert all(c.cell_type == "code" for c in nb.cells if nbgrader_meta(c).get("grade_id") == "normaliser")
    # Le code de l'étudiant (réponse et suite éventuelle) s'exécute tel quel avant le test.
    code = "\n".join(c.source for c in nb.cells[:index(nb, "test_normaliser")] if c.cell_type == "code")
    expected = (ANSWERS[answer] or answered(None).cells[index(answered(None), "normaliser")].source).strip()
    assert expected in code
    compile_cells = [c.source for c in nb.cells if c.cell_type == "code" and not nbgrader_meta(c).get("locked")]
    assert all(record._compiles(source) for source in compile_cells), compile_cells
    status = "notée" + "".join(f" ; {r}" for r in repairs)
    assert re.search(ACCIDENTS[accident][1], status), status


@pytest.mark.parametrize("nb", [answered(None), answered(WRONG), read(release_notebook(ASSIGNMENT))],
                         ids=["juste", "faux", "vide"])
def test_untouched_copy_is_prepared_exactly_as_nbgrader_does(gradebook, nb):
    """Une copie intacte : aucune réparation, et le notebook préparé est, octet pour octet, celui
    des préprocesseurs de ``nbgrader autograde`` (donc un CSV inchangé)."""
    text, repairs = record.prepare(gradebook, ASSIGNMENT, "eleve", nbformat.writes(nb).encode(), ORDER)
    assert repairs == []
    expected, resources = copy.deepcopy(nb), record._resources(gradebook, ASSIGNMENT, "eleve")
    for step in (ClearOutput(), DeduplicateIds(), OverwriteKernelspec(), OverwriteCells(add_missing_cells=True),
                 CheckCellMetadata()):
        expected, resources = step.preprocess(expected, resources)
    assert text == nbformat.writes(expected)


def test_copy_without_any_graded_cell_is_refused(gradebook):
    """Seule une copie où aucune cellule notée n'est reconnue est refusée."""
    nb = read(release_notebook("01_ae_lineaire"))
    with pytest.raises(ValueError, match="aucune cellule notée de 00_prise_en_main reconnue"):
        prepared(gradebook, nb)


def test_points_never_come_from_the_copy(gradebook):
    nb = answered(WRONG)
    meta = nb.cells[index(nb, "test_normaliser")].metadata["nbgrader"]
    meta.update(points=100, grade=True)
    out, _ = prepared(gradebook, nb)
    assert nbgrader_meta(out.cells[index(out, "test_normaliser")])["points"] == 2


# --- Toute la classe, corrigée par la commande --------------------------------------------------

def student(accident, answer):
    return f"{accident}_{answer}"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return une_fois(tmp_path_factory, "accidents", lambda: grade_accidents(tmp_path_factory))


def grade_accidents(tmp_path_factory):
    """Toutes les copies des accidents, corrigées en une classe : ``{étudiant: ligne du CSV}``."""
    course = course_copy(tmp_path_factory.mktemp("accidents"), [ASSIGNMENT])
    nbgrader("generate_assignment", ASSIGNMENT, cwd=course)
    copies = course / "rendus"
    notebooks = {student(a, answer): copy_with(a, answer) for a in ACCIDENTS for answer in ANSWERS}
    notebooks["intacte_juste"] = answered(None)
    for name, nb in notebooks.items():
        (copies / name / ASSIGNMENT).mkdir(parents=True)
        nbformat.write(nb, copies / name / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    grade(course, copies, cell_timeout=60)
    return rows(course)


@pytest.mark.parametrize("accident", sorted(ACCIDENTS))
def test_honest_copy_keeps_full_marks(graded, accident):
    row = graded[student(accident, "juste")]
    assert (row["total"], row["total_max"]) == ("2", "2"), row
    assert re.search(ACCIDENTS[accident][1], row["statut"]), row["statut"]
    assert row["statut"].startswith("notée") and not row["a_verifier"], row


@pytest.mark.parametrize("accident", sorted(ACCIDENTS))
def test_wrong_copy_keeps_zero(graded, accident):
    row = graded[student(accident, "faux")]
    assert row["total"] == "0" and row["total_max"] == "2", row
    assert row["statut"].startswith("notée"), row


def test_untouched_copy_has_no_repair_note(graded):
    assert graded["intacte_juste"]["statut"] == "notée"
    assert graded["intacte_juste"]["total"] == "2"
