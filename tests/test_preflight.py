"""Vérification préalable de la correction d'une classe (``pipeline.grade_class``, ticket 20, § 3).

Avant d'enregistrer la moindre copie, la solution de l'enseignant (``source/``) est corrigée par
les mêmes travailleurs, dans le même bac à sable ; sans tous ses points, la commande s'arrête
sans rien écrire et dit quelles cellules ont échoué. Trois cas, sur 00_prise_en_main (le devoir
le moins cher) :

- un environnement cassé, qui mettait jusqu'ici 0 à toute la classe, honnêtes compris, avec le
  statut « notée » et un code de retour 0 : la cellule d'imports verrouillée de ``source/`` qui
  ne trouve plus son paquet, ou un paquet ``course`` incomplet dans le dossier du cours corrigé ;
  la commande sort en erreur, en français, et le cours est exactement tel qu'avant (ni carnet
  rempli, ni ``submitted/``, ``autograded/``, ``feedback/``, ``rapports/``) ;
- une classe honnête : le même fichier de notes, octet pour octet, qu'une correction sans la
  vérification ;
- une grappe Dask dont un travailleur a un environnement cassé : ce travailleur est refusé.
"""

import csv
import hashlib
import io
import pathlib
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbgrader.api import Gradebook

import test_variantes_00_prise_en_main as v00
from autograder import pipeline
from autograder.cluster import DaskWorkers
from autograder.isolation import sandbox
from autograder.workers import LocalWorkers
from dask_cluster import _logs, _scheduler_address, _start, _stop
from notebook_text import correct_submission, nbgrader_meta, read
from paths import ROOT, component_missing, course_copy, environment, nbgrader, release_notebook

ASSIGNMENT = "00_prise_en_main"
LIMITS = sandbox.Limits(cell_timeout=60)


@pytest.fixture(autouse=True)
def bubblewrap():
    problem = sandbox.bwrap_problem()
    if problem:
        component_missing(f"bac à sable indisponible ici : {problem}")


def dumps(nb):
    return nbformat.writes(nb).encode("utf-8")


def make_class(folder, breakage=None):
    """Un cours jetable (cassé par ``breakage(racine)``, puis carnet prêt, comme en cours de
    semestre) et le dossier de ses copies : une juste, une vide, une fautive, une illisible
    (refusée, avec zéro partout)."""
    folder = pathlib.Path(folder)
    (folder / "cours").mkdir(parents=True)
    root = course_copy(folder / "cours", [ASSIGNMENT])
    if breakage:
        breakage(root)
    nbgrader("generate_assignment", ASSIGNMENT, cwd=root)
    faulty = correct_submission(ASSIGNMENT)
    for cell in faulty.cells:
        if nbgrader_meta(cell).get("grade_id") == "normaliser":
            cell.source = v00.WRONG["division par 256"]
    copies = folder / "copies"
    copies.mkdir()
    for student, data in {"juste": dumps(correct_submission(ASSIGNMENT)), "fautive": dumps(faulty),
                          "vide": dumps(read(release_notebook(ASSIGNMENT))),
                          "illisible": b"{pas du JSON"}.items():
        (copies / f"{student}_{ASSIGNMENT}.ipynb").write_bytes(data)
    return root, copies


def break_imports_cell(root):
    """La cellule d'imports (verrouillée : chaque copie la reçoit du carnet, rempli d'après
    ``source/``) ne trouve plus son paquet, comme un noyau qui n'importe pas le ``course`` du
    cours corrigé."""
    path = root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = read(path)
    [cell] = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") == "imports"]
    assert "from course import" in cell.source
    cell.source = cell.source.replace("from course import", "from course_du_semestre_dernier import")
    nbformat.write(nb, path)


def incomplete_course_package(root):
    """Le dossier du cours corrigé a son propre paquet ``course``, incomplet (``budget`` absent) :
    le correcteur l'importe et le monte dans le bac à sable."""
    shutil.copytree(ROOT / "course", root / "course", ignore=shutil.ignore_patterns("__pycache__", "budget.py"))


def tree(root):
    """``{chemin relatif: condensé}`` de tous les fichiers du cours (hors ``__pycache__``)."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def students(root):
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        return [student.id for student in gradebook.students]


def command(root, copies):
    return subprocess.run(
        [sys.executable, "-m", "autograder", "corriger", ASSIGNMENT, str(copies), "--travailleurs", "2",
         "--delai-cellule", "60", "--sans-barre"],
        cwd=root, env=environment(), capture_output=True, text=True, timeout=900,
    )


@pytest.mark.parametrize("breakage, cause", [
    (break_imports_cell, r"ModuleNotFoundError: No module named 'course_du_semestre_dernier'"),
    # Le noyau importe le ``course`` installé (non monté), ou celui qui est monté (sans ``budget``).
    (incomplete_course_package,
     r"(ModuleNotFoundError: No module named 'course'|ImportError: cannot import name 'budget')"),
])
def test_a_broken_environment_stops_the_command_before_anything_is_written(tmp_path, breakage, cause):
    root, copies = make_class(tmp_path, breakage)
    before = tree(root)
    result = command(root, copies)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    error = result.stderr
    assert f"Erreur : Vérification préalable échouée pour {ASSIGNMENT} : la solution de l'enseignant" in error
    assert "rien n'a été écrit" in error
    # La cellule d'imports, cause de tout, et sa première ligne d'erreur ; puis le test sans ses points.
    assert re.search(f"Cellules en échec : « imports » : {cause}", error), error
    assert re.search(r" ; « test_normaliser » : NameError: name '\w+' is not defined", error), error
    assert tree(root) == before  # rien d'écrit, carnet compris
    for folder in ("rapports", "submitted", "autograded", "feedback"):
        assert not (root / folder).exists(), folder
    assert students(root) == []


def grade(folder, preflight):
    root, copies = make_class(folder)
    said = []
    options = pipeline.Options(root=root, output=root / "rapports", progress=False, limits=LIMITS,
                               preflight=preflight)
    pipeline.grade_class(ASSIGNMENT, copies, options, backend=LocalWorkers(2), say=said.append)
    notes = (root / "rapports" / ASSIGNMENT / f"notes_{ASSIGNMENT}.csv").read_bytes()
    return root, notes, said


def test_an_honest_class_gets_the_same_grades_byte_for_byte(tmp_path):
    root, notes, said = grade(tmp_path / "avec", preflight=True)
    _, without, said_without = grade(tmp_path / "sans", preflight=False)
    assert notes == without
    assert any(line.startswith("Vérification préalable réussie") for line in said), said
    assert not any("Vérification préalable" in line for line in said_without), said_without
    rows = {row["etudiant"]: row for row in csv.DictReader(io.StringIO(notes.decode("utf-8")))}
    assert set(rows) == {"fautive", "illisible", "juste", "vide"}, notes
    assert rows["juste"]["total"] == rows["juste"]["total_max"] != "0", notes
    assert float(rows["vide"]["total"]) == float(rows["illisible"]["total"]) == 0, notes
    assert 0 < float(rows["fautive"]["total_max"]) and rows["fautive"]["total"] != rows["fautive"]["total_max"], notes
    assert (root / "rapports" / ASSIGNMENT / "copies_refusees" / "illisible.ipynb").read_bytes() == b"{pas du JSON"
    assert sorted(students(root)) == ["fautive", "illisible", "juste", "vide"]
    assert "solution-enseignant" not in notes.decode("utf-8")


@pytest.fixture
def cluster_with_a_broken_worker(tmp_path):
    """Un ordonnanceur, un travailleur sain et un travailleur lancé depuis un autre dossier, dont
    le paquet ``course`` est incomplet (sans ``budget``), chacun dans ses propres processus."""
    import distributed  # noqa: PLC0415

    broken = tmp_path / "environnement_casse"
    shutil.copytree(ROOT / "course", broken / "course", ignore=shutil.ignore_patterns("__pycache__", "budget.py"))
    logs = tmp_path / "journaux"
    logs.mkdir()
    processes = []
    try:
        with open(logs / "ordonnanceur.log", "w") as log:
            processes.append(_start(["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
                                     "--scheduler-file", str(logs / "ordonnanceur.json"), "--no-dashboard"],
                                    log, environment()))
        address = _scheduler_address(logs / "ordonnanceur.json", processes[0], logs)
        for name, folder in (("sain", ROOT), ("casse", broken)):
            with open(logs / f"{name}.log", "w") as log:  # python -m : le dossier courant d'abord
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers", "1",
                     "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1", "--name", name,
                     "--local-directory", str(tmp_path / name)],
                    cwd=folder, env=environment(), stdin=subprocess.DEVNULL, stdout=log,
                    stderr=subprocess.STDOUT, start_new_session=True))
        with distributed.Client(address, timeout="30s", set_as_default=False) as client:
            try:
                client.wait_for_workers(2, timeout=120)
            except TimeoutError:
                raise RuntimeError(f"travailleurs Dask absents :\n{_logs(logs)}") from None
            names = {info["name"]: worker for worker, info in client.scheduler_info()["workers"].items()}
            packages = client.run(lambda: __import__("course").__file__)
        assert packages[names["casse"]].startswith(str(broken)), packages  # le test vérifie bien quelque chose
        assert packages[names["sain"]].startswith(str(ROOT / "course")), packages
        yield address, names
    finally:
        for process in reversed(processes):
            _stop(process)


def test_a_dask_worker_with_a_broken_environment_is_refused(cluster_with_a_broken_worker, tmp_path):
    address, names = cluster_with_a_broken_worker
    root, copies = make_class(tmp_path)
    before = tree(root)
    options = pipeline.Options(root=root, output=root / "rapports", progress=False, limits=LIMITS)
    with DaskWorkers(address) as backend, pytest.raises(RuntimeError) as error:
        pipeline.grade_class(ASSIGNMENT, copies, options, backend=backend, say=lambda *_: None)
    message = str(error.value)
    assert message.startswith(f"Vérification préalable échouée pour {ASSIGNMENT} sur le travailleur "
                              f"Dask {names['casse']} :"), message
    assert names["sain"] not in message and "Ce travailleur est refusé" in message
    assert "« imports » : " in message and "« test_normaliser » : " in message, message
    assert tree(root) == before and students(root) == []
    for folder in ("rapports", "submitted", "autograded", "feedback"):
        assert not (root / folder).exists(), folder
