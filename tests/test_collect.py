"""Collecte des copies (autograder/collect.py) : les trois dispositions, dossier ou zip, et les problèmes.

Entrées minuscules construites dans tmp_path ; aucun notebook n'est exécuté.
"""

import re
import sys
import zipfile

import nbformat
import pytest

from paths import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from autograder import collect as collect_module  # noqa: E402
from autograder.collect import Collection, Submission, collect  # noqa: E402

A = "04_vae"
EXPECTED = {"vae_encodeur", "vae_perte", "vae_generation"}


def notebook(*grade_ids, nbgrader=True):
    """Octets d'un notebook dont les cellules de code portent ces grade_id nbgrader."""
    nb = nbformat.v4.new_notebook()
    for grade_id in grade_ids:
        meta = {"nbgrader": {"grade_id": grade_id, "grade": True, "solution": False,
                             "locked": True, "points": 1, "schema_version": 3}} if nbgrader else {}
        nb.cells.append(nbformat.v4.new_code_cell(f"# {grade_id}\nassert True", metadata=meta))
    return nbformat.writes(nb).encode("utf-8")


GOOD = notebook("vae_encodeur", "vae_perte", "vae_generation")


def write_files(root, files):
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def write_zip(path, files):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def by_student(collection):
    return {s.student: s for s in collection.submissions}


# --- 1. disposition submitted/ de nbgrader -----------------------------------------------------

SUBMITTED = {
    "bob/04_vae/04_vae.ipynb": GOOD,
    "alice/04_vae/04_vae.ipynb": GOOD,
    "alice/04_vae/donnees.csv": b"1,2\n",
    "alice/04_vae/timestamp.txt": b"2024-01-01 10:00:00",
    "alice/04_vae/.ipynb_checkpoints/04_vae-checkpoint.ipynb": b"{}",
    "carol/04_vae/brouillon.ipynb": GOOD,
    "dave/01_ae_lineaire/01_ae_lineaire.ipynb": GOOD,
    "LISEZMOI.txt": b"notes",
}


def test_submitted_folder(tmp_path):
    result = collect(A, write_files(tmp_path / "submitted", SUBMITTED), EXPECTED)
    assert isinstance(result, Collection)
    assert [s.student for s in result.submissions] == ["alice", "bob", "carol"]
    alice, bob, carol = result.submissions
    assert alice == Submission("alice", A, GOOD, "submitted/alice/04_vae/04_vae.ipynb")
    assert bob.notebook == GOOD and bob.problem is None and bob.name is None and bob.moodle_id is None
    assert carol.notebook is None
    assert carol.problem.startswith("copie absente : aucun fichier 04_vae.ipynb")
    assert "brouillon.ipynb" in carol.problem
    # Les fichiers en plus dans le dossier du devoir ne sont pas signalés (nbgrader les autorise).
    assert len(result.ignored) == 2
    dave, readme = sorted(result.ignored)
    assert dave.startswith("dossier ignoré : submitted/dave") and "pas un étudiant de ce devoir" in dave
    assert readme.startswith("fichier ignoré : submitted/LISEZMOI.txt")


def test_submitted_zip_with_wrapper_folder(tmp_path):
    files = {f"submitted/{name}": data for name, data in SUBMITTED.items()}
    result = collect(A, write_zip(tmp_path / "rendus.zip", files), EXPECTED)
    assert [s.student for s in result.submissions] == ["alice", "bob", "carol"]
    assert result.submissions[0].origin == "rendus.zip:submitted/alice/04_vae/04_vae.ipynb"
    assert result.submissions[0].notebook == GOOD


def test_submitted_single_student_is_not_unwrapped(tmp_path):
    result = collect(A, write_zip(tmp_path / "un.zip", {"alice/04_vae/04_vae.ipynb": GOOD}), EXPECTED)
    assert [(s.student, s.problem) for s in result.submissions] == [("alice", None)]


def test_submitted_empty_assignment_folder_is_absent(tmp_path):
    (tmp_path / "submitted" / "erin" / A).mkdir(parents=True)
    result = collect(A, tmp_path / "submitted", EXPECTED)
    [erin] = result.submissions
    assert erin.student == "erin" and erin.notebook is None
    assert erin.problem == "copie absente : aucun fichier 04_vae.ipynb"


# --- 2. fichiers à plat ------------------------------------------------------------------------

FLAT = {
    "zoe_04_vae.ipynb": GOOD,
    "alice_04_vae.ipynb": GOOD,
    "Jean Dupont_04_VAE.ipynb": GOOD,
    "dupont_01_ae_lineaire.ipynb": GOOD,
    "04_vae.ipynb": GOOD,
    "notes.txt": b"a corriger",
}


def check_flat(result, origin_prefix):
    assert [s.student for s in result.submissions] == ["alice", "jean_dupont", "zoe"]
    assert all(s.problem is None and s.notebook == GOOD for s in result.submissions)
    assert result.submissions[0].origin == origin_prefix + "alice_04_vae.ipynb"
    notes = sorted(result.ignored)
    assert len(notes) == 3
    misnamed, other, text = notes  # « 04_vae… » < « dupont… » < « notes… »
    assert other.startswith(f"fichier ignoré : {origin_prefix}dupont_01_ae_lineaire.ipynb")
    assert "autre devoir (01_ae_lineaire)" in other
    assert misnamed.startswith(f"fichier ignoré : {origin_prefix}04_vae.ipynb")
    assert "<étudiant>_04_vae.ipynb" in misnamed
    assert text.startswith(f"fichier ignoré : {origin_prefix}notes.txt") and "pas un notebook" in text


def write_input(tmp_path, files, as_zip):
    """``files`` écrits en ``copies/`` ou en ``copies.zip`` ; renvoie (chemin, préfixe des origines)."""
    if as_zip:
        return write_zip(tmp_path / "copies.zip", files), "copies.zip:"
    return write_files(tmp_path / "copies", files), "copies/"


def test_flat_zip_in_one_folder_ignores_macosx_and_dotfiles(tmp_path):
    files = {f"copies/{name}": data for name, data in FLAT.items()}
    files.update({"__MACOSX/copies/._alice_04_vae.ipynb": b"\x00\x05\x16\x07",
                  "copies/.DS_Store": b"\x00\x00", "copies/.cache/x_04_vae.ipynb": GOOD})
    check_flat(collect(A, write_zip(tmp_path / "copies.zip", files), EXPECTED), "copies.zip:copies/")


def test_flat_file_in_subfolder_is_noted(tmp_path):
    files = {"alice_04_vae.ipynb": GOOD, "vieux/bob_04_vae.ipynb": GOOD}
    result = collect(A, write_files(tmp_path / "copies", files), EXPECTED)
    assert [s.student for s in result.submissions] == ["alice"]
    assert len(result.ignored) == 1 and "copies/vieux/bob_04_vae.ipynb" in result.ignored[0]
    assert "sous-dossier" in result.ignored[0]


def test_flat_ids_are_sanitised_and_duplicates_not_graded(tmp_path):
    files = {"dupont_04_vae.ipynb": GOOD, "Dupont_04_vae.ipynb": GOOD, "Élise Ø'Brien_04_vae.ipynb": GOOD}
    result = by_student(collect(A, write_files(tmp_path / "copies", files), EXPECTED))
    assert sorted(result) == ["dupont", "elise_o_brien"]
    assert result["elise_o_brien"].problem is None
    dupont = result["dupont"]
    assert dupont.notebook is None
    assert dupont.problem == ("plusieurs copies pour le même étudiant (Dupont_04_vae.ipynb, "
                              "dupont_04_vae.ipynb) : aucune notée, à départager par l'enseignant")
    assert "copies/dupont_04_vae.ipynb" in dupont.origin and "copies/Dupont_04_vae.ipynb" in dupont.origin


# --- 3. Moodle ---------------------------------------------------------------------------------

MOODLE = {
    "Dupont Marie_123_assignsubmission_file_/04_vae.ipynb": GOOD,
    "Éloïse Dupont-Martin_4242_assignsubmission_file_/mon devoir.ipynb": GOOD,
    "Éloïse Dupont-Martin_4242_assignsubmission_file_/rapport.pdf": b"%PDF",
    "Martin Paul_7_assignsubmission_file_/04_vae.py": b"print()",
    "Lœtitia Çelik_55_assignsubmission_file_/a.ipynb": GOOD,
    "Lœtitia Çelik_55_assignsubmission_file_/b.ipynb": GOOD,
    "Dupont Marie_123_assignsubmission_onlinetext_/onlinetext.html": b"<p>bonjour</p>",
}


def check_moodle(result, prefix):
    students = by_student(result)
    assert list(students) == ["dupont_marie_123", "eloise_dupont-martin_4242",
                              "loetitia_celik_55", "martin_paul_7"]
    marie = students["dupont_marie_123"]
    assert (marie.name, marie.moodle_id, marie.problem) == ("Dupont Marie", "123", None)
    assert marie.notebook == GOOD
    assert marie.origin == prefix + "Dupont Marie_123_assignsubmission_file_/04_vae.ipynb"
    eloise = students["eloise_dupont-martin_4242"]
    assert (eloise.name, eloise.moodle_id, eloise.problem) == ("Éloïse Dupont-Martin", "4242", None)
    paul = students["martin_paul_7"]
    assert paul.notebook is None and paul.problem.startswith("copie absente")
    assert "04_vae.py" in paul.problem
    loetitia = students["loetitia_celik_55"]
    assert loetitia.notebook is None and loetitia.name == "Lœtitia Çelik"
    assert loetitia.problem.startswith("plusieurs copies pour le même étudiant (a.ipynb, b.ipynb)")
    notes = "\n".join(result.ignored)
    assert len(result.ignored) == 3
    assert "Dupont Marie_123_assignsubmission_onlinetext_ (texte en ligne Moodle, non noté)" in notes
    assert "rapport.pdf" in notes and "04_vae.py" in notes


@pytest.mark.parametrize("layout", ["plat", "moodle"])
@pytest.mark.parametrize("as_zip", [False, True], ids=["dossier", "zip"])
def test_layout_as_folder_or_zip(tmp_path, layout, as_zip):
    files, check = {"plat": (FLAT, check_flat), "moodle": (MOODLE, check_moodle)}[layout]
    path, prefix = write_input(tmp_path, files, as_zip)
    check(collect(A, path, EXPECTED), prefix)


def test_moodle_zip_in_wrapper_folder_and_single_student(tmp_path):
    files = {f"Devoir 4/{name}": data for name, data in MOODLE.items()}
    check_moodle(collect(A, write_zip(tmp_path / "w.zip", files), EXPECTED), "w.zip:Devoir 4/")
    one = {"Dupont Marie_123_assignsubmission_file_/04_vae.ipynb": GOOD}
    result = collect(A, write_zip(tmp_path / "un.zip", one), EXPECTED)
    assert [(s.student, s.problem) for s in result.submissions] == [("dupont_marie_123", None)]


def test_moodle_flat_files(tmp_path):
    files = {"Dupont Marie_123_assignsubmission_file_04_vae.ipynb": GOOD}
    [marie] = collect(A, write_zip(tmp_path / "plat.zip", files), EXPECTED).submissions
    assert (marie.student, marie.name, marie.moodle_id, marie.notebook) == ("dupont_marie_123",
                                                                           "Dupont Marie", "123", GOOD)


def test_moodle_zip_without_utf8_flag(tmp_path):
    """Archive refaite par le Finder de macOS : noms en UTF-8 sans le drapeau qui le dit."""
    path = write_zip(tmp_path / "mac.zip", {"@@lo@@se Martin_9_assignsubmission_file_/v.ipynb": GOOD})
    raw = path.read_bytes().replace(b"@@", "É".encode(), 1).replace(b"@@", "ï".encode(), 1)
    raw = raw.replace(b"@@", "É".encode(), 1).replace(b"@@", "ï".encode(), 1)
    path.write_bytes(raw)
    [eloise] = collect(A, path, EXPECTED).submissions
    assert (eloise.student, eloise.name) == ("eloise_martin_9", "Éloïse Martin")


# --- problèmes de copies ------------------------------------------------------------------------

@pytest.mark.parametrize("data, problem, kept", [
    (b"", "copie vide : le fichier est vide", False),
    (b"  \n\t\n", "copie vide : le fichier est vide", False),
    (b"ceci n'est pas du JSON", "copie illisible : ce n'est pas un notebook JSON (JSON invalide", True),
    (b'{"a": 1}', "copie illisible : ce n'est pas un notebook JSON (JSON valide mais pas un notebook", True),
    (b"[1, 2]", "copie illisible : ce n'est pas un notebook JSON (JSON valide mais pas un notebook", True),
    (b"\x89PNG\r\n\x1a\n\xff\xfe", "copie illisible : ce n'est pas un notebook JSON (fichier binaire", True),
    (notebook("ae_encodeur", "ae_perte"),
     "copie d'un autre devoir : aucune cellule notée de 04_vae", True),
])
def test_problems(tmp_path, data, problem, kept):
    [copy] = collect(A, write_files(tmp_path / "copies", {"alice_04_vae.ipynb": data}), EXPECTED).submissions
    assert copy.student == "alice"
    assert copy.problem.startswith(problem)
    assert copy.notebook == (data if kept else None)


def test_copy_without_any_nbgrader_metadata_goes_on_to_prepare(tmp_path):
    """Sans aucune métadonnée nbgrader, la copie n'est pas refusée ici : ``record.prepare`` reconnaît
    les cellules du devoir à leur contenu (tests/test_accidents.py), ou la refuse."""
    data = notebook("vae_encodeur", "vae_perte", nbgrader=False)
    [copy] = collect(A, write_files(tmp_path / "copies", {"alice_04_vae.ipynb": data}), EXPECTED).submissions
    assert (copy.problem, copy.notebook) == (None, data)


def test_one_expected_cell_is_enough(tmp_path):
    data = notebook("vae_perte", "cellule_ajoutee")
    [copy] = collect(A, write_files(tmp_path / "copies", {"alice_04_vae.ipynb": data}), EXPECTED).submissions
    assert (copy.problem, copy.notebook) == (None, data)


def test_too_large(tmp_path, monkeypatch):
    monkeypatch.setattr(collect_module, "MAX_BYTES", 100)
    files = {"alice_04_vae.ipynb": GOOD, "bob_04_vae.ipynb": b"{}"}
    for path in (write_files(tmp_path / "copies", files), write_zip(tmp_path / "copies.zip", files)):
        alice, bob = collect(A, path, EXPECTED).submissions
        assert alice.notebook is None and alice.problem.startswith("fichier trop volumineux")
        assert bob.problem.startswith("copie illisible")  # petit : lu normalement


def test_corrupt_member_in_zip(tmp_path):
    path = tmp_path / "copies.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("alice_04_vae.ipynb", GOOD)
        archive.writestr("bob_04_vae.ipynb", GOOD)
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b'"nbformat"', b'"NBFORMAT"', 1))  # CRC faux pour alice seulement
    alice, bob = collect(A, path, EXPECTED).submissions
    assert alice.notebook is None and alice.problem.startswith("copie illisible : fichier endommagé")
    assert (bob.problem, bob.notebook) == (None, GOOD)


def test_zip_paths_with_dotdot_are_never_followed(tmp_path):
    path = write_zip(tmp_path / "copies.zip", {"../evil_04_vae.ipynb": GOOD, "alice_04_vae.ipynb": GOOD})
    result = collect(A, path, EXPECTED)
    assert [s.student for s in result.submissions] == ["alice"]
    assert result.ignored == [
        "fichier ignoré : copies.zip:../evil_04_vae.ipynb (chemin dangereux, jamais suivi)"]


# --- erreurs d'utilisation ----------------------------------------------------------------------

def test_missing_path(tmp_path):
    with pytest.raises(ValueError, match="chemin introuvable"):
        collect(A, tmp_path / "absent", EXPECTED)


def test_neither_folder_nor_zip(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("bonjour")
    with pytest.raises(ValueError, match="ni un dossier ni une archive .zip"):
        collect(A, path, EXPECTED)


def test_corrupt_zip(tmp_path):
    path = tmp_path / "copies.zip"
    path.write_bytes(b"PK\x03\x04 ceci n'est pas une archive")
    with pytest.raises(ValueError, match="archive .zip illisible ou corrompue"):
        collect(A, path, EXPECTED)


def test_no_expected_cells(tmp_path):
    with pytest.raises(ValueError, match="aucune cellule notée connue"):
        collect(A, write_files(tmp_path / "copies", {"alice_04_vae.ipynb": GOOD}), set())


# --- aucun étudiant perdu : identifiants refusés, chemins en double -----------------------------

UNSAFE = ["=1+2", "+1=2", "-x", "@a", "a*b", "[ab]", "李雷", "a\tb", "x" * 200, "id_refuse_0"]


def refused_ids(result):
    return {s.origin: s for s in result.submissions if s.student.startswith("id_refuse_")}


@pytest.mark.parametrize("as_zip", [False, True], ids=["dossier", "zip"])
def test_every_submitted_folder_has_its_own_row(tmp_path, as_zip):
    """``=1+2`` et ``+1=2`` donnaient tous deux ``_1_2`` : une seule ligne « plusieurs copies »."""
    names = [*UNSAFE, "_1_2", "alice"]
    files = {f"{name}/04_vae/04_vae.ipynb": GOOD for name in names}
    path, prefix = write_input(tmp_path, files, as_zip)
    result = collect(A, path, EXPECTED)
    assert len(result.submissions) == len(names) and not result.ignored
    accepted = by_student(result)
    assert (accepted["alice"].problem, accepted["_1_2"].problem) == (None, None)
    refused = refused_ids(result)
    assert sorted(refused) == sorted(f"{prefix}{name}/04_vae/04_vae.ipynb" for name in UNSAFE)
    for name in UNSAFE:
        copy = refused[f"{prefix}{name}/04_vae/04_vae.ipynb"]
        assert re.fullmatch(r"id_refuse_[0-9a-f]{24}", copy.student)
        assert copy.problem.startswith("identifiant d'étudiant refusé : « ")
        assert "(copie gardée dans copies_refusees/)" in copy.problem
        assert copy.notebook == GOOD  # les octets restent, pour copies_refusees/
    assert f"« =1+2 » (caractères interdits : + =)" in refused[f"{prefix}=1+2/04_vae/04_vae.ipynb"].problem
    assert "« a\\tb »" in refused[f"{prefix}a\tb/04_vae/04_vae.ipynb"].problem  # invisible : échappé


def test_replacement_ids_are_stable_and_distinct(tmp_path):
    files = {f"{name}_04_vae.ipynb": GOOD for name in UNSAFE}
    folder = collect(A, write_files(tmp_path / "copies", files), EXPECTED)
    archive = collect(A, write_zip(tmp_path / "copies.zip", files), EXPECTED)
    ids = [s.student for s in folder.submissions]
    assert len(set(ids)) == len(UNSAFE) and all(i.startswith("id_refuse_") for i in ids)
    assert ids == [s.student for s in archive.submissions]
    # le nom d'un dossier ne peut pas prendre l'identifiant de remplacement d'un autre
    taken = by_student(folder)
    squatter = next(iter(taken))
    files[f"{squatter}_04_vae.ipynb"] = GOOD
    again = by_student(collect(A, write_files(tmp_path / "2" / "copies", files), EXPECTED))
    assert len(again) == len(UNSAFE) + 1 and again[squatter] == taken[squatter]


def test_refused_id_keeps_the_other_problem_of_its_copy(tmp_path):
    files = {"=1+2_04_vae.ipynb": b"", "@a_04_vae.ipynb": b"pas du JSON"}
    empty, broken = sorted(collect(A, write_files(tmp_path / "c", files), EXPECTED).submissions,
                           key=lambda s: s.origin)
    assert empty.origin == "c/=1+2_04_vae.ipynb" and empty.notebook is None
    assert empty.problem.startswith("identifiant d'étudiant refusé : « =1+2 »")
    assert empty.problem.endswith("relancez la correction ; copie vide : le fichier est vide")
    assert "copies_refusees" not in empty.problem  # rien à garder
    assert broken.notebook == b"pas du JSON" and "copies_refusees" in broken.problem
    assert "; copie illisible" in broken.problem


def test_honest_ids_are_not_refused(tmp_path):
    files = {f"{name}_04_vae.ipynb": GOOD
             for name in ("Jean Dupont", "Élise Ø'Brien", "O’Hara", "_1_2", "anne-marie.l", "Ærø 2")}
    result = collect(A, write_files(tmp_path / "c", files), EXPECTED)
    assert [(s.student, s.problem) for s in result.submissions] == [
        ("_1_2", None), ("aero_2", None), ("anne-marie.l", None), ("elise_o_brien", None),
        ("jean_dupont", None), ("o_hara", None)]


def test_moodle_names_are_labels_never_refused(tmp_path):
    """Dans Moodle, l'identifiant de participant rend l'identifiant unique : le nom, même une
    formule, n'est qu'un libellé (neutralisé dans les CSV par report)."""
    files = {"=1+2_4242_assignsubmission_file_/a.ipynb": GOOD,
             "-Moins Dupont_7_assignsubmission_file_/b.ipynb": GOOD,
             "+1=2_8_assignsubmission_file_/c.ipynb": GOOD}
    result = collect(A, write_files(tmp_path / "moodle", files), EXPECTED)
    assert [(s.student, s.name, s.moodle_id, s.problem) for s in result.submissions] == [
        ("_1_2_4242", "=1+2", "4242", None), ("_1_2_8", "+1=2", "8", None),
        ("moins_dupont_7", "-Moins Dupont", "7", None)]


def test_same_path_twice_in_a_zip_is_several_copies(tmp_path):
    """Une archive peut contenir deux entrées du même nom : la seconde écrasait la première."""
    path = tmp_path / "copies.zip"
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(path, "w") as archive:
        archive.writestr("alice_04_vae.ipynb", GOOD)
        archive.writestr("alice_04_vae.ipynb", notebook("vae_perte"))
        archive.writestr("bob_04_vae.ipynb", GOOD)
    alice, bob = collect(A, path, EXPECTED).submissions
    assert alice.notebook is None
    assert alice.problem == ("plusieurs copies pour le même étudiant (alice_04_vae.ipynb en 2 exemplaires) : "
                             "aucune notée, à départager par l'enseignant")
    assert (bob.problem, bob.notebook) == (None, GOOD)


def test_folders_differing_only_by_unicode_form_are_several_copies(tmp_path):
    composed, decomposed = "\u00c9lise", "E\u0301lise"
    files = {f"{composed}/04_vae/04_vae.ipynb": GOOD, f"{decomposed}/04_vae/04_vae.ipynb": GOOD}
    [elise] = collect(A, write_files(tmp_path / "submitted", files), EXPECTED).submissions
    assert elise.student == "elise" and elise.notebook is None
    assert elise.problem.startswith("plusieurs copies pour le même étudiant (Élise/04_vae/04_vae.ipynb en 2")
