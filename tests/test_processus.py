"""Aucun processus ne survit à la correction.

Un noyau par copie : s'il n'était pas arrêté, chaque copie corrigée en laisserait un vivant (des
centaines de Mo chacun) et une grande classe épuiserait la mémoire de la machine. On vérifie, avec
de vrais noyaux dans le vrai bac à sable :

- qu'après chaque notebook corrigé il ne reste aucun processus descendant du correcteur, même si
  la copie ignore SIGTERM, retarde sa sortie (``atexit``) ou lance elle-même un processus ;
- que si la commande de l'enseignant est tuée (``kill -9`` sur le seul processus principal),
  ses travailleurs et leurs noyaux meurent avec elle au lieu de continuer les copies en attente.
"""

import contextlib
import signal
import subprocess
import sys
import time

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from paths import ROOT, component_missing, course_copy, environment, nbgrader
from survivors import alive, command_line, is_kernel, remove_mark_directory, sandbox_marks, sandbox_survivors
from test_correction_classe import with_solution

sys.path.insert(0, str(ROOT))
from autograder.isolation import forkserver  # noqa: E402
from autograder.execute import grade_notebook  # noqa: E402
from autograder.isolation.sandbox import Limits, Sandbox, bwrap_problem  # noqa: E402

STUBBORN = {
    "sage": "x = 1",
    "ignore_sigterm": ("import atexit, signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                       "atexit.register(time.sleep, 600)"),
    "lance_un_processus": "import subprocess\nenfant = subprocess.Popen(['sleep', '600'])",
}


def living_descendants(ignored=frozenset()):
    """Les descendants vivants (non zombies) du processus des tests, hors ``ignored`` (pid : ceux
    que d'autres tests du même processus pytest ont lancés avant, un serveur par exemple)."""
    return [p for p in psutil.Process().children(recursive=True) if p.pid not in ignored and alive(p)]


def mode_or_skip(mode, preload=False):
    if mode == "bwrap" and bwrap_problem():
        component_missing(f"bac à sable indisponible ici : {bwrap_problem()}")
    problem = forkserver.problem(Sandbox("bwrap", Limits())) if mode == "bwrap" and preload else None
    if problem:
        component_missing(f"modèle de noyaux indisponible ici : {problem}")


LAUNCHES = [("bwrap", True), ("bwrap", False), ("minimal", False)]
LAUNCH_IDS = ["bwrap-modele", "bwrap", "minimal"]


def forkserver_itself(processes):
    """Parmi ``processes``, ceux du modèle de noyaux lui-même (son bwrap et le modèle), qui vivent
    autant que le correcteur ; ses copies (intermédiaire, init, noyau) n'en sont pas."""
    return [p for p in processes if "/corr-modele-" in command_line(p, words=None)
            and p.name() in ("bwrap", "modele-noyaux")]


@pytest.mark.parametrize(("mode", "preload"), LAUNCHES, ids=LAUNCH_IDS)
def test_no_process_outlives_its_notebook(mode, preload):
    mode_or_skip(mode, preload)
    before = frozenset(p.pid for p in living_descendants())
    try:
        for name, code in STUBBORN.items():
            nb = new_notebook(cells=[new_code_cell(code), new_code_cell("import time; time.sleep(0.5)")])
            graded = grade_notebook(nbformat.writes(nb), Limits(cell_timeout=60), mode, preload=preload)
            ran = nbformat.reads(graded.notebook, as_version=4)
            assert not [o for c in ran.cells for o in c.outputs if o.output_type == "error"], name
            living = living_descendants(before)
            server = forkserver_itself(living)
            assert bool(server) == preload, f"modèle de noyaux {'absent' if preload else 'inattendu'} : {server}"
            left = [(p.pid, p.name(), command_line(p)) for p in living if p not in server]
            assert left == [], f"copie « {name} » ({mode}) : processus restants {left}"
    finally:
        forkserver.stop_all()
        for process in living_descendants(before):  # n'affecte pas les tests suivants
            process.kill()


LOOPING = "while True:\n    pass\n"


def test_workers_and_kernels_die_with_the_command(tmp_path):
    mode_or_skip("bwrap")
    (tmp_path / "cours").mkdir()
    course = course_copy(tmp_path / "cours", ["00_prise_en_main"])
    nbgrader("generate_assignment", "00_prise_en_main", cwd=course)
    copies = tmp_path / "copies"
    copies.mkdir()
    for student in ("ana", "ben", "cyd", "dan"):  # 4 copies qui bouclent, 2 travailleurs
        nbformat.write(with_solution(None, LOOPING), copies / f"{student}_00_prise_en_main.ipynb")
    command = subprocess.Popen(
        [sys.executable, "-m", "autograder", "corriger", "00_prise_en_main", str(copies),
         "--travailleurs", "2", "--delai-cellule", "300", "--sans-barre"],
        cwd=course, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    main = psutil.Process(command.pid)
    seen = {}
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            for process in main.children(recursive=True):
                seen[process.pid] = process
            kernels = [p for p in seen.values() if is_kernel(p)]
            if len(kernels) >= 2:
                break
            assert command.poll() is None, "la commande s'est arrêtée avant d'avoir lancé deux noyaux"
            time.sleep(0.5)
        else:
            pytest.fail("aucun noyau lancé en 180 s")
        time.sleep(2)  # les noyaux bouclent ; on relève l'arbre complet puis on tue le seul principal
        seen.update((p.pid, p) for p in main.children(recursive=True))
        command.send_signal(signal.SIGKILL)
        command.wait()
    finally:
        if command.poll() is None:
            command.kill()
    gone, still_running = psutil.wait_procs(list(seen.values()), timeout=30)
    survivors = []
    for process in filter(alive, still_running):
        survivors.append(f"{process.pid} {command_line(process)}")
        with contextlib.suppress(psutil.Error):
            process.kill()
    assert survivors == [], f"processus survivants après kill -9 de la commande : {survivors}"
    assert len(gone) + len(still_running) >= 6  # 2 travailleurs, et pour chaque noyau bwrap, bwrap, python


ORPHANED_GRADER = """
import sys
import nbformat
from nbformat.v4 import new_code_cell, new_notebook
sys.path.insert(0, sys.argv[2])
from autograder import execute
from autograder.isolation import sandbox

# Comme si --die-with-parent et PR_SET_PDEATHSIG n'avaient pas pris (bwrap tué pendant qu'il
# prépare le bac à sable, travailleur Dask tué en pleine copie) : seul le fil de vie reste.
sandbox.die_with_parent = lambda parent_pid: None
arguments = sandbox.Sandbox._bwrap_arguments
sandbox.Sandbox._bwrap_arguments = lambda self, shared: [a for a in arguments(self, shared) if a != "--die-with-parent"]
nb = new_notebook(cells=[new_code_cell("import subprocess, time; enfant = subprocess.Popen(['sleep', '600']); time.sleep(600)")])
execute.grade_notebook(nbformat.writes(nb), sandbox.Limits(cell_timeout=600), sys.argv[1],
                       preload=sys.argv[3] == "True")
"""


@pytest.mark.parametrize(("mode", "preload"), LAUNCHES, ids=LAUNCH_IDS)
def test_kernel_dies_with_its_grader_by_the_lifeline_alone(mode, preload):
    """Un travailleur tué par ``kill -9`` pendant qu'un noyau tourne : ce noyau et ce qu'il a lancé
    meurent, même sans ``--die-with-parent`` ni ``PR_SET_PDEATHSIG`` (désactivés ici). En CI, un
    noyau a survécu ainsi à un travailleur Dask tué : l'init du bac à sable, rattachée au
    processus 1, n'avait pas reçu le signal de bwrap. Avec le modèle de noyaux, le fil de vie est
    son entrée standard : fin de fichier, le modèle sort, et bwrap arrête tout son bac à sable."""
    mode_or_skip(mode, preload)
    grader = subprocess.Popen([sys.executable, "-c", ORPHANED_GRADER, mode, str(ROOT), str(preload)], env=environment(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, marks = time.monotonic() + 120, set()
        while time.monotonic() < deadline and not marks:
            descendants = psutil.Process(grader.pid).children(recursive=True)
            if any(command_line(p).startswith("sleep 600") for p in descendants):  # la cellule tourne
                marks = sandbox_marks(descendants)
            time.sleep(0.2)
        assert marks, "le noyau n'a pas démarré sa cellule en 120 s"
        assert any(is_kernel(p) for p in descendants), "aucun noyau parmi les processus du correcteur"
        grader.send_signal(signal.SIGKILL)
        grader.wait()
        left = sandbox_survivors(marks, timeout=10)
        # Un SIGKILL envoyé n'est pas encore reçu : le processus de la copie a 10 s pour mourir.
        sleepers = [p for p in descendants if command_line(p).startswith("sleep 600")]
        psutil.wait_procs(sleepers, timeout=10)
        sleeping = [p.pid for p in sleepers if alive(p)]
    finally:
        if grader.poll() is None:
            grader.kill()
        for mark in marks:
            remove_mark_directory(mark)  # jamais nettoyé : tué
    assert left == [], f"processus du noyau vivants 10 s après la mort du correcteur : {left}"
    assert sleeping == [], f"processus lancé par la copie encore vivant : {sleeping}"
