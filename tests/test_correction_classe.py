"""Correction d'une classe par ``python -m autograder corriger`` : les mauvaises copies.

Une classe de ``00_prise_en_main`` (le devoir le plus court) rendue en zip Moodle : trois copies
honnêtes (juste, fautive, vide) et, à côté, une copie de chaque sorte de mauvaise entrée du
ticket (pas du JSON, vide, absente, en double, d'un autre devoir, erreur de syntaxe, boucle
infinie, 10⁷ lignes affichées, bombe mémoire, ``os._exit``, test modifié, test supprimé, réseau,
lecture et suppression de ``source/`` et du carnet, écriture dans le HOME et l'environnement
Python, remplacement de ``np.allclose`` et des crochets d'erreur d'IPython). La même classe sans
les mauvaises copies est corrigée à part : les notes des copies honnêtes doivent être exactement
les mêmes. Toutes les mauvaises copies sont dans la même classe : chacune doit survivre aux
autres en plus des honnêtes.
"""

import csv
import os
import pathlib
import re
import socket
import subprocess
import sys
import sysconfig
import threading
import zipfile

import nbformat
import pytest

import test_variantes_00_prise_en_main as v00
from notebook_text import correct_submission, nbgrader_meta, read, secret_lines
from partage import une_fois
from paths import ROOT, assignments, course_copy, environment, nbgrader, release_notebook

from autograder import illustrations

ASSIGNMENT = "00_prise_en_main"
CELL_TIMEOUT = 30


def with_solution(code, prefix=""):
    """La copie juste, la cellule ``normaliser`` remplacée par ``prefix`` + ``code``."""
    nb = correct_submission(ASSIGNMENT)
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == "normaliser":
            cell.source = prefix + (code if code is not None else cell.source)
    return nb


def without_test(nb, replace_by=None):
    """``nb`` sans sa cellule de test (supprimée, ou son code remplacé par ``replace_by``)."""
    cells = []
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == "test_normaliser":
            if replace_by is None:
                continue
            cell.source = replace_by
        cells.append(cell)
    nb.cells = cells
    return nb


def dumps(nb):
    return nbformat.writes(nb).encode("utf-8")


WRONG = v00.WRONG["division par 256"]


def honest():
    """Les étudiants honnêtes : dossier Moodle -> fichiers."""
    return {
        "Alice Juste_1001": {f"{ASSIGNMENT}.ipynb": dumps(correct_submission(ASSIGNMENT))},
        "Bruno Fautif_1002": {"copie.ipynb": dumps(with_solution(WRONG))},
        "Chloé Vide_1003": {f"{ASSIGNMENT}.ipynb": dumps(read(release_notebook(ASSIGNMENT)))},
    }


def bad(course, port):
    """Les mauvaises copies : ``{dossier Moodle: (fichiers, identifiant attendu)}``."""
    other = dumps(read(release_notebook("01_ae_lineaire")))
    return {
        "Paul Pasjson_2001": {"p.ipynb": b"{ceci n'est pas du JSON"},
        "Eva Vide_2002": {"vide.ipynb": b""},
        "Marc Absent_2003": {"rendu.pdf": b"%PDF-1.4"},
        "Lea Double_2004": {"a.ipynb": dumps(correct_submission(ASSIGNMENT)),
                            "b.ipynb": dumps(correct_submission(ASSIGNMENT))},
        "Omar Autre_2005": {"01_ae_lineaire.ipynb": other},
        "Sam Syntaxe_2006": {"s.ipynb": dumps(with_solution("def normaliser(images)\n    return images\n"))},
        "Ines Boucle_2007": {"b.ipynb": dumps(with_solution(None, "while True:\n    pass\n"))},
        "Hugo Bavard_2008": {"b.ipynb": dumps(with_solution(None, "for i in range(10**7):\n    print(i)\n"))},
        "Zoé Memoire_2009": {"m.ipynb": dumps(with_solution(
            None, "import numpy as np\nblocs = []\nwhile True:\n    blocs.append(np.ones(2**27))\n"))},
        "Yann Sortie_2010": {"s.ipynb": dumps(with_solution(None, "import os\nos._exit(1)\n"))},
        "Tom Testmodifie_2011": {"t.ipynb": dumps(without_test(with_solution(WRONG), "pass\n"))},
        "Ugo Testsupprime_2012": {"t.ipynb": dumps(without_test(with_solution(WRONG)))},
        "Rita Reseau_2013": {"r.ipynb": dumps(with_solution(
            None, f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=5)\n"))},
        "Fred Fichiers_2014": {"f.ipynb": dumps(with_solution(None, (
            "import shutil\n"
            f"print(open({str(course / 'gradebook.db')!r}, 'rb').read(100))\n"
            f"shutil.rmtree({str(course / 'source')!r})\n")))},
        "Gaël Persiste_2015": {"g.ipynb": dumps(with_solution(None, (
            "import os, sysconfig\n"
            "os.makedirs(os.path.expanduser('~/.ipython/profile_default/startup'), exist_ok=True)\n"
            "open(os.path.expanduser('~/.ipython/profile_default/startup/00.py'), 'w').write(\n"
            "    'import numpy; numpy.allclose = lambda *a, **k: True')\n"
            "open(os.path.join(sysconfig.get_path('purelib'), 'zz.pth'), 'w').write(\n"
            "    'import numpy; numpy.allclose = lambda *a, **k: True')\n")))},
        "Nina Triche_2016": {"t.ipynb": dumps(with_solution(
            WRONG, "import numpy as np\nnp.allclose = lambda *a, **k: True\n"))},
        "Olga Crochet_2017": {"t.ipynb": dumps(with_solution(
            WRONG, "get_ipython().set_custom_exc((AssertionError,), lambda *a, **k: None)\n"))},
        "Pia Evenements_2018": {"t.ipynb": dumps(with_solution(WRONG, (
            "import numpy as np\n_vrai = np.allclose\n"
            "def _avant(*a):\n    np.allclose = lambda *a, **k: True\n"
            "def _apres(*a):\n    np.allclose = _vrai\n"
            "get_ipython().events.register('pre_run_cell', _avant)\n"
            "get_ipython().events.register('post_run_cell', _apres)\n")))},
    }


# Identifiant (slug Moodle) -> statut attendu (expression régulière sur la colonne statut).
EXPECTED_STATUS = {
    "paul_pasjson_2001": r"^copie illisible",
    "eva_vide_2002": r"^copie vide",
    "marc_absent_2003": r"^copie absente",
    "lea_double_2004": r"^plusieurs copies",
    "omar_autre_2005": r"^copie d'un autre devoir",
    "sam_syntaxe_2006": r"erreur SyntaxError \(cellule « normaliser »\)",
    "ines_boucle_2007": r"délai dépassé \(cellule « normaliser »\)",
    "hugo_bavard_2008": r"sortie tronquée \(cellule « normaliser »\)",
    "zoe_memoire_2009": r"mémoire dépassée \(cellule « normaliser »\)",
    "yann_sortie_2010": r"noyau arrêté \(cellule « normaliser »\)",
    "tom_testmodifie_2011": r"^notée ; cellule de test « test_normaliser » modifiée dans la copie : remise",
    "ugo_testsupprime_2012": r"^notée ; cellule de test « test_normaliser » absente : remise d'après le carnet",
    "rita_reseau_2013": r"accès au réseau refusé \(cellule « normaliser »\)",
    "fred_fichiers_2014": r"fichier introuvable",
    "gael_persiste_2015": r"écriture refusée hors du dossier de travail",
    "nina_triche_2016": r"^notée",
    "olga_crochet_2017": r"^notée",
    "pia_evenements_2018": r"^notée",
}
HONEST = ("alice_juste_1001", "bruno_fautif_1002", "chloe_vide_1003")


def moodle_zip(path, folders):
    with zipfile.ZipFile(path, "w") as archive:
        for folder, files in folders.items():
            for name, data in files.items():
                archive.writestr(f"{folder}_assignsubmission_file_/{name}", data)
    return path


def grade(course, copies, *extra, assignment=ASSIGNMENT, cell_timeout=CELL_TIMEOUT):
    """``python -m autograder corriger`` sur deux travailleurs (``cell_timeout`` None : le délai par
    défaut) ; échoue si la commande échoue, renvoie ce qu'elle a affiché."""
    timeout = [] if cell_timeout is None else ["--delai-cellule", str(cell_timeout)]
    result = subprocess.run(
        [sys.executable, "-m", "autograder", "corriger", assignment, str(copies), "--travailleurs", "2",
         *timeout, "--sans-barre", *extra],
        cwd=course, env=environment(), capture_output=True, text=True, timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def rows(course, assignment=ASSIGNMENT):
    """``{étudiant: ligne}`` de ``rapports/<devoir>/notes_<devoir>.csv``."""
    path = course / "rapports" / assignment / f"notes_{assignment}.csv"
    with open(path, newline="", encoding="utf-8") as f:
        return {row["etudiant"]: row for row in csv.DictReader(f)}


class Listener:
    """Un serveur TCP sur 127.0.0.1 de la machine : aucune copie ne doit l'atteindre."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    result = une_fois(tmp_path_factory, "classe_00", lambda: grade_bad_class(tmp_path_factory))
    return {**result, "course": pathlib.Path(result["course"]),
            "gradebook_header": bytes.fromhex(result["gradebook_header"])}


def grade_bad_class(tmp_path_factory):
    """La classe des mauvaises copies corrigée, et la référence des copies honnêtes (JSON)."""
    listener = Listener()
    course = course_copy(tmp_path_factory.mktemp("classe"), [ASSIGNMENT])
    nbgrader("generate_assignment", ASSIGNMENT, cwd=course)
    gradebook_before = (course / "gradebook.db").read_bytes()[:16]
    honest_with_extra = honest()
    honest_with_extra["Alice Juste_1001"]["brouillon.txt"] = b"un fichier en trop"
    copies = moodle_zip(course / "copies.zip", {**honest_with_extra, **bad(course, listener.port)})
    output = grade(course, copies)
    listener.server.close()
    return {"course": str(course), "output": output, "rows": rows(course),
            "reference": honest_reference(tmp_path_factory),
            "connections": listener.connections, "gradebook_header": gradebook_before.hex()}


def honest_reference(tmp_path_factory):
    """Les lignes du fichier de notes de la classe des seules copies honnêtes (``honest``), corrigée
    une fois par session : la référence des classes où s'ajoutent de mauvaises copies (ici et dans
    tests/test_limites_copie.py)."""
    def build():
        reference = course_copy(tmp_path_factory.mktemp("reference"), [ASSIGNMENT])
        nbgrader("generate_assignment", ASSIGNMENT, cwd=reference)
        grade(reference, moodle_zip(reference / "copies.zip", honest()))
        return rows(reference)
    return une_fois(tmp_path_factory, "reference_honnete", build)


@pytest.mark.parametrize("student", sorted(EXPECTED_STATUS))
def test_bad_submission_has_a_clear_status(graded, student):
    status = graded["rows"][student]["statut"]
    assert re.search(EXPECTED_STATUS[student], status), status


def test_honest_grades_are_those_of_a_class_without_bad_submissions(graded):
    columns = ("test_normaliser", "total", "total_max", "statut", "a_verifier")
    for student in HONEST:
        got = {c: graded["rows"][student][c] for c in columns}
        expected = {c: graded["reference"][student][c] for c in columns}
        assert got == expected, student
    assert graded["reference"]["alice_juste_1001"]["total"] == "2"
    assert graded["reference"]["bruno_fautif_1002"]["total"] == "0"


def test_every_student_has_one_row(graded):
    assert set(graded["rows"]) == set(EXPECTED_STATUS) | set(HONEST)


@pytest.mark.parametrize("student", ["ines_boucle_2007", "hugo_bavard_2008", "zoe_memoire_2009",
                                     "yann_sortie_2010", "tom_testmodifie_2011", "ugo_testsupprime_2012",
                                     "sam_syntaxe_2006", "rita_reseau_2013", "fred_fichiers_2014",
                                     "gael_persiste_2015"])
def test_bad_code_earns_no_points(graded, student):
    assert graded["rows"][student]["total"] == "0"


def test_restored_test_cells_ran(graded):
    """Les cellules de test modifiée et supprimée sont remises par nbgrader et exécutées."""
    for student in ("tom_testmodifie_2011", "ugo_testsupprime_2012"):
        nb = read(graded["course"] / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
        test = next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == "test_normaliser")
        assert "np.allclose" in test.source
        assert any(o.output_type == "error" for o in test.outputs)


@pytest.mark.parametrize("student", ["nina_triche_2016", "olga_crochet_2017", "pia_evenements_2018"])
def test_tampering_is_flagged_and_never_sent_to_moodle(graded, student):
    row = graded["rows"][student]
    assert "« normaliser »" in row["a_verifier"], row
    with open(graded["course"] / "rapports" / ASSIGNMENT / f"moodle_{ASSIGNMENT}.csv", encoding="utf-8") as f:
        moodle = {r["Identifier"]: r for r in csv.DictReader(f)}
    assert moodle[f"Participant {student.rsplit('_', 1)[1]}"]["Grade"] == ""
    assert student in graded["output"], "le résumé imprimé nomme la copie à vérifier"


def test_allclose_tampering_would_have_earned_the_marks(graded):
    """Garde-fou : la triche marche vraiment (la copie fausse a les points), d'où le signalement."""
    assert graded["rows"]["nina_triche_2016"]["total"] == "2"
    assert "numpy.allclose" in graded["rows"]["nina_triche_2016"]["a_verifier"]
    assert "IPython.custom_exceptions" in graded["rows"]["olga_crochet_2017"]["a_verifier"]
    assert graded["rows"]["pia_evenements_2018"]["total"] == "2"
    assert "IPython.events" in graded["rows"]["pia_evenements_2018"]["a_verifier"]


def test_course_files_and_host_network_untouched(graded):
    course = graded["course"]
    assert (course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    assert (course / "gradebook.db").read_bytes()[:16] == graded["gradebook_header"]
    assert graded["connections"] == 0
    venv = pathlib.Path(sysconfig.get_path("purelib")) / "zz.pth"
    assert not venv.exists()


def test_ignored_files_are_reported(graded):
    assert "brouillon.txt" in graded["output"]


def test_refused_copies_are_kept(graded):
    kept = graded["course"] / "rapports" / ASSIGNMENT / "copies_refusees" / "paul_pasjson_2001.ipynb"
    assert kept.read_bytes() == b"{ceci n'est pas du JSON"


def test_feedback_written_without_hidden_tests(graded):
    hidden = {re.sub(r"\s+", " ", line) for line in secret_lines(ASSIGNMENT, "hidden")}
    for student in HONEST:
        html = (graded["course"] / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
        assert "Tests visibles" in html or "NotImplementedError" in html or "AssertionError" in html
        assert f"<h4>{ASSIGNMENT} (points" in html, student  # la page porte le nom du devoir
        assert not [line for line in hidden if line in html], student


def test_nbgrader_export_sees_the_grades(graded):
    nbgrader("export", cwd=graded["course"])
    with open(graded["course"] / "grades.csv", newline="") as f:
        exported = {r["student_id"]: float(r["raw_score"]) for r in csv.DictReader(f)}
    assert exported["alice_juste_1001"] == 2.0 and exported["marc_absent_2003"] == 0.0
    assert set(exported) == set(EXPECTED_STATUS) | set(HONEST)


# --- Reprise après interruption -------------------------------------------------------------

def small_class(folder):
    """Quatre copies au format de fichiers <étudiant>_<devoir>.ipynb."""
    folder.mkdir()
    for student, nb in (("ana", correct_submission(ASSIGNMENT)), ("ben", with_solution(WRONG)),
                        ("cyd", correct_submission(ASSIGNMENT)), ("dan", read(release_notebook(ASSIGNMENT)))):
        nbformat.write(nb, folder / f"{student}_{ASSIGNMENT}.ipynb")
    return folder


def test_killed_run_resumes_and_ends_with_the_same_csv(tmp_path):
    (tmp_path / "entier").mkdir()
    (tmp_path / "repris").mkdir()
    whole = course_copy(tmp_path / "entier", [ASSIGNMENT])
    grade(whole, small_class(whole / "copies"))
    resumed = course_copy(tmp_path / "repris", [ASSIGNMENT])
    copies = small_class(resumed / "copies")
    process = subprocess.Popen(
        [sys.executable, "-m", "autograder", "corriger", ASSIGNMENT, str(copies), "--travailleurs", "1",
         "--sans-barre"], cwd=resumed, env=environment(), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    states = resumed / "autograded"
    try:
        for _ in range(600):
            if list(states.glob(f"*/{ASSIGNMENT}/correction.json")):
                break
            if process.poll() is not None:
                break
            threading.Event().wait(0.5)
        done_before_kill = len(list(states.glob(f"*/{ASSIGNMENT}/correction.json")))
        os.killpg(process.pid, 9)
    finally:
        process.wait()
    assert 1 <= done_before_kill < 4, "l'interruption doit tomber au milieu de la correction"
    output = grade(resumed, copies)
    match = re.search(r"(\d+) à corriger", output)
    assert match and int(match.group(1)) <= 4 - done_before_kill, output
    csv_path = pathlib.Path("rapports") / ASSIGNMENT / f"notes_{ASSIGNMENT}.csv"
    assert (resumed / csv_path).read_bytes() == (whole / csv_path).read_bytes()
    again = grade(resumed, copies)
    assert "0 à corriger" in again
    assert (resumed / csv_path).read_bytes() == (whole / csv_path).read_bytes()


# --- Auto-évaluation -------------------------------------------------------------------------

@pytest.mark.parametrize("solution, expected", [(None, "2 / 2  réussi"), (WRONG, "0 / 2  à revoir")])
def test_self_assessment_gives_the_hidden_tests_grade(tmp_path, solution, expected):
    notebook = tmp_path / f"{ASSIGNMENT}.ipynb"
    nbformat.write(with_solution(solution), notebook)
    result = subprocess.run(
        [sys.executable, "-m", "autograder", "auto-evaluer", str(notebook)],
        cwd=ROOT, env=environment(), capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert re.search(r"normaliser\s+" + expected, result.stdout), result.stdout
    html = (tmp_path / f"{ASSIGNMENT}_retour.html").read_text(encoding="utf-8")
    hidden = {re.sub(r"\s+", " ", line) for line in secret_lines(ASSIGNMENT, "hidden")}
    assert not [line for line in hidden if line in html]
    assert "normaliser" in html and f"<title>{ASSIGNMENT}</title>" in html



# --- Copies justes de tous les devoirs : tous les points, rien de signalé ------------------------

def test_correct_copies_of_every_assignment_get_full_marks_unflagged(tmp_path):
    """Une copie juste de chaque devoir, corrigée en une commande (``tous``, deux travailleurs,
    bac à sable) : tous les points, aucun évènement, aucune falsification signalée (la détection
    ne se trompe pas sur une copie juste)."""
    course = course_copy(tmp_path, assignments())
    for assignment in assignments():
        path = tmp_path / "rendus" / "juste" / assignment / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(correct_submission(assignment), path)
    # Une réponse juste qui lit une variable d'une cellule d'illustration : cette cellule-là
    # s'exécute (illustrations.py), les autres illustrations sont sautées.
    reader = correct_submission("01_ae_lineaire")
    (answer,) = [c for c in reader.cells if nbgrader_meta(c).get("grade_id") == "construire_ae_lineaire"]
    answer.source = answer.source.replace(
        '"""\n', '"""\n    assert len(variance_cumulee) == 100  # calculée par une illustration\n', 1)
    assert "variance_cumulee" in answer.source
    path = tmp_path / "rendus" / "lecteur" / "01_ae_lineaire" / "01_ae_lineaire.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(reader, path)
    grade_all = subprocess.run(
        [sys.executable, "-m", "autograder", "corriger", "tous", str(tmp_path / "rendus"),
         "--travailleurs", "2", "--sans-barre"],
        cwd=course, env=environment(), capture_output=True, text=True, timeout=1200)
    assert grade_all.returncode == 0, grade_all.stdout[-3000:] + grade_all.stderr[-3000:]
    for assignment in assignments():
        path = course / "rapports" / assignment / f"notes_{assignment}.csv"
        with open(path, newline="", encoding="utf-8") as f:
            graded_rows = list(csv.DictReader(f))
        assert len(graded_rows) == (2 if assignment == "01_ae_lineaire" else 1), graded_rows
        for row in graded_rows:
            assert row["total"] == row["total_max"] and float(row["total"]) > 0, (assignment, row)
            assert row["statut"] == "notée" and row["a_verifier"] == "", (assignment, row)
    for student, assignment in [("juste", a) for a in assignments()] + [("lecteur", "01_ae_lineaire")]:
        executed = nbformat.read(course / "autograded" / student / assignment / f"{assignment}.ipynb", 4)
        shown = {i: "".join(o.get("text", "") for o in cell.outputs)
                 for i, cell in enumerate(executed.cells) if illustrations.tagged(cell)}
        skipped = {i for i, text in shown.items() if text == illustrations.SKIPPED_TEXT}
        if student == "juste":
            assert skipped == set(shown), (assignment, shown)
        else:  # la cellule qui calcule variance_cumulee a tourné, et celle des données qu'elle lit, elles seules
            kept = sorted(set(shown) - skipped)
            assert [("charger_fashion_mnist" in executed.cells[i].source, "variance_cumulee =" in executed.cells[i].source)
                    for i in kept] == [(True, False), (False, True)], kept
            assert "de la variance" in shown[kept[1]], shown[kept[1]]
