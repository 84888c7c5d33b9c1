"""Correction sur une grappe Dask, carnet de notes PostgreSQL (``autograder.cluster``).

Une petite classe de 00_prise_en_main (le devoir le moins cher) : une copie juste, une copie vide,
une copie avec une erreur du catalogue des variantes. Corrigée par des processus locaux avec un
carnet SQLite (la référence), puis sur une vraie grappe Dask (ordonnanceur et deux travailleurs
dans leurs propres processus) avec un vrai serveur PostgreSQL : mêmes notes, mêmes retours. Un
travailleur tué (SIGKILL) en pleine correction ne change rien. Un ordonnanceur ou un serveur
PostgreSQL injoignable est signalé en français avant que rien ne soit écrit.
"""

import contextlib
import csv
import fcntl
import io
import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import threading
import time

import nbformat
import psutil
import pytest
from nbgrader.api import Gradebook

import test_variantes_00_prise_en_main as v00
from autograder import pipeline
from autograder.cluster import DaskWorkers, check_database
from autograder.isolation import sandbox
from autograder.workers import LocalWorkers
from dask_cluster import dask_cluster  # noqa: F401 (fixture)
from notebook_text import correct_submission, read, with_answer
from paths import course_copy, environment, release_notebook
from postgres import postgres_server  # noqa: F401 (fixture)
from support import visible_text
from survivors import is_kernel, remove_mark_directory, sandbox_marks, sandbox_survivors

ASSIGNMENT = "00_prise_en_main"
REFUSED = "tcp://127.0.0.1:9"  # port « discard » : personne n'y écoute


def faulty_submission():
    return with_answer(ASSIGNMENT, "normaliser", v00.WRONG["division par 256"])


def make_class(folder):
    """Un cours jetable et le dossier de ses copies (``<étudiant>_<devoir>.ipynb``)."""
    folder = pathlib.Path(folder)
    (folder / "cours").mkdir()
    root = course_copy(folder / "cours", [ASSIGNMENT])
    copies = folder / "copies"
    copies.mkdir()
    for student, nb in {"juste": correct_submission(ASSIGNMENT), "vide": read(release_notebook(ASSIGNMENT)),
                        "fautive": faulty_submission()}.items():
        nbformat.write(nb, copies / f"{student}_{ASSIGNMENT}.ipynb")
    return root, copies


def options_for(root, base=None):
    return pipeline.Options(root=root, base=base, output=root.parent / "rapports", progress=False,
                            limits=sandbox.Limits(cell_timeout=60))


def outcome(options):
    """Ce qui doit être identique d'une correction à l'autre : le tableau des notes et le texte
    des retours de chaque étudiant."""
    root = pathlib.Path(options.root)
    grades = (options.output / ASSIGNMENT / f"notes_{ASSIGNMENT}.csv").read_text(encoding="utf-8")
    feedback = {page.parts[-3]: visible_text(page.read_text(encoding="utf-8"))
                for page in sorted((root / "feedback").glob(f"*/{ASSIGNMENT}/{ASSIGNMENT}.html"))}
    return {"notes": grades, "retours": feedback}


def grade(folder, backend, base=None):
    root, copies = make_class(folder)
    options = options_for(root, base)
    pipeline.grade_class(ASSIGNMENT, copies, options, backend=backend, say=lambda *_: None)
    return outcome(options)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """La correction de référence (processus locaux, SQLite), faite une seule fois par session,
    même quand pytest-xdist répartit ces tests sur plusieurs processus."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    saved = shared / f"reference_{ASSIGNMENT}.json"
    with open(shared / f"reference_{ASSIGNMENT}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not saved.exists():
            result = grade(tmp_path_factory.mktemp("reference"), LocalWorkers(2))
            saved.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    result = json.loads(saved.read_text(encoding="utf-8"))
    rows = {row["etudiant"]: row for row in csv.DictReader(io.StringIO(result["notes"]))}
    assert set(rows) == set(result["retours"]) == {"juste", "vide", "fautive"}, result
    assert all(row["statut"].startswith("notée") for row in rows.values()), result["notes"]
    assert rows["juste"]["total"] == rows["juste"]["total_max"] != "0", result["notes"]
    assert float(rows["vide"]["total"]) == 0, result["notes"]
    assert float(rows["fautive"]["total"]) < float(rows["fautive"]["total_max"]), result["notes"]
    return result


def test_unreachable_scheduler_stops_before_any_write(tmp_path):
    root, copies = make_class(tmp_path)
    options = options_for(root)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="Ordonnanceur Dask injoignable à tcp://127.0.0.1:9") as error:
        pipeline.grade_class(ASSIGNMENT, copies, options, backend=DaskWorkers(REFUSED, timeout="2s"))
    assert "dask scheduler" in str(error.value) and "dask worker" in str(error.value)
    assert time.monotonic() - started < 30
    assert not (root / "gradebook.db").exists() and not options.output.exists()


def test_refused_database_is_reported_in_french():
    refused = "postgresql+psycopg://x@127.0.0.1:9/notes"
    with pytest.raises(RuntimeError, match=f"^Base de notes injoignable : {re.escape(refused)}"):
        check_database(refused)
    with pytest.raises(RuntimeError, match="Base de notes injoignable"):
        check_database("postgresql://x@127.0.0.1:9/notes")  # pilote psycopg 3 choisi pour l'URL courte
    assert check_database("sqlite:///gradebook.db") == "sqlite:///gradebook.db"


def test_dask_and_postgres_grade_like_local_workers(
        reference, dask_cluster, postgres_server, tmp_path):  # noqa: F811 (fixtures importées)
    address, _ = dask_cluster
    url = check_database(postgres_server.url)
    with DaskWorkers(address) as backend:
        assert backend.describe() == f"grappe Dask {address}, 2 travailleurs"
        result = grade(tmp_path, backend, base=url)
    assert result["notes"] == reference["notes"]
    assert result["retours"] == reference["retours"]
    with Gradebook(url) as gradebook:  # les notes sont bien dans PostgreSQL
        totals = {s.student.id: s.score for s in gradebook.assignment_submissions(ASSIGNMENT)}
    expected = {row["etudiant"]: float(row["total"])
                for row in csv.DictReader(io.StringIO(reference["notes"]))}
    assert totals == expected


class Killer(threading.Thread):
    """Tue (SIGKILL) le premier travailleur Dask dont le noyau d'une copie a démarré, au moment
    où il le lance (bwrap prépare encore le bac à sable) ; garde le fichier de connexion de ce
    noyau (``connections``) pour retrouver ensuite ses processus, rattachés ou non au travailleur."""

    def __init__(self, address):
        super().__init__(daemon=True)
        self.address, self.killed, self.error, self.stop = address, None, None, threading.Event()
        self.marks = set()

    def run(self):
        try:
            self._watch_and_kill()
        except Exception as error:  # noqa: BLE001 (rapporté par le test)
            self.error = error

    def _watch_and_kill(self):
        import distributed  # noqa: PLC0415

        with distributed.Client(self.address, timeout="30s", set_as_default=False) as client:
            pids = client.run(os.getpid)
            while not self.stop.is_set() and self.killed is None:
                for worker, keys in client.processing().items():
                    if keys and worker in pids and self._kernel_running(pids[worker]):
                        self.marks = sandbox_marks(psutil.Process(pids[worker]).children(recursive=True))
                        os.kill(pids[worker], signal.SIGKILL)
                        self.killed = (worker, pids[worker], list(keys))
                        return
                time.sleep(0.1)

    @staticmethod
    def _kernel_running(pid):
        with contextlib.suppress(psutil.Error):
            return any(is_kernel(child) for child in psutil.Process(pid).children(recursive=True))
        return False


def test_killed_worker_changes_nothing(
        reference, dask_cluster, postgres_server, tmp_path):  # noqa: F811 (fixtures importées)
    address, _ = dask_cluster
    url = postgres_server.create_database("notes_panne")
    killer = Killer(address)
    with DaskWorkers(address) as backend:
        killer.start()
        try:
            result = grade(tmp_path, backend, base=url)
        finally:
            killer.stop.set()
            killer.join(30)
    assert killer.killed, f"aucun travailleur tué : le test n'a rien vérifié ({killer.error!r})"
    assert killer.marks, "aucun noyau trouvé sous le travailleur tué"
    survivors = sandbox_survivors(killer.marks)
    for mark in killer.marks:  # dossiers du travailleur tué, jamais nettoyés par lui
        remove_mark_directory(mark)
    assert survivors == [], f"bac à sable du travailleur tué encore vivant : {survivors}"
    assert "erreur du correcteur" not in result["notes"], result["notes"]
    assert result["notes"] == reference["notes"]
    assert result["retours"] == reference["retours"]


@pytest.mark.parametrize("option", [["--dask", "tcp://127.0.0.1:9"], ["--base", "postgresql://x@127.0.0.1:9/notes"]])
def test_command_refuses_to_start_without_its_cluster_or_database(tmp_path, option):
    """``corriger`` s'arrête en français, avant d'écrire quoi que ce soit, si l'ordonnanceur ou la
    base ne répondent pas."""
    course = course_copy(tmp_path, ["00_prise_en_main"])
    copies = tmp_path / "copies"
    copies.mkdir()
    nbformat.write(correct_submission("00_prise_en_main"), copies / "ana_00_prise_en_main.ipynb")
    result = subprocess.run(
        [sys.executable, "-m", "autograder", "corriger", "00_prise_en_main", str(copies), *option],
        cwd=course, env=environment(), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    assert re.search(r"Erreur : (Ordonnanceur Dask injoignable|Base de notes injoignable)", result.stderr)
    assert not (course / "gradebook.db").exists() and not (course / "rapports").exists()
