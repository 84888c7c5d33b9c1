"""Processus, fils et processeur de chaque copie, bornés (autograder/isolation/sandbox.py, ``CopyGroup``).

Sans borne, une bombe ``while True: os.fork()`` peut remplir la table des processus de la machine
avant que la surveillance de la mémoire ne la voie, et une copie qui lance des fils qui calculent
prend le processeur du travailleur voisin. Chaque copie a donc son groupe de contrôle (au plus
``Limits.processes`` processus et fils, ``Limits.cpus`` processeur) et chaque processus un temps
de processeur borné (``RLIMIT_CPU``). Vérifié dans les trois lancements des noyaux avec une boucle
**bornée** (3 000 ``sleep``), puis, la borne prouvée, avec une vraie bombe et une copie qui
lance 32 fils qui calculent, dans une classe d'étudiants honnêtes.

Prudence : la machine des tests est partagée. Ces tests ne lancent rien sans borne quand la
borne manque (ils sautent, ou échouent en CI) ; la bombe ne part qu'après la boucle bornée.
"""

import contextlib
import os
import re
import sys
import threading
import time

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from paths import ROOT, component_missing, course_copy, nbgrader
from survivors import alive, command_line
from test_correction_classe import ASSIGNMENT, grade, honest, honest_reference, moodle_zip, rows, with_solution
from test_processus import LAUNCH_IDS, LAUNCHES, mode_or_skip

sys.path.insert(0, str(ROOT))
from autograder.isolation import forkserver  # noqa: E402
from autograder.execute import grade_notebook  # noqa: E402
from autograder.isolation.sandbox import GROUP_PREFIX, Limits, process_groups, sweep_groups  # noqa: E402

SLEEPERS = r'''
import subprocess
enfants, erreur = [], None
for i in range(3000):
    try:
        enfants.append(subprocess.Popen(["sleep", "600"]))
    except OSError as e:
        erreur = type(e).__name__
        break
print(len(enfants), erreur)
'''

RLIMITS = ("import resource\n"
           "print(*(resource.getrlimit(r)[0] for r in (resource.RLIMIT_NPROC, resource.RLIMIT_CPU)))")

SPINNER = r'''
import threading, time
def calcule(fin):
    while time.monotonic() < fin:
        pass
debut, cpu = time.monotonic(), time.process_time()
fils = [threading.Thread(target=calcule, args=(debut + 4,)) for _ in range(8)]
for f in fils:
    f.start()
for f in fils:
    f.join()
print(round((time.process_time() - cpu) / (time.monotonic() - debut), 3))
'''


def groups_or_skip():
    """Les groupes de contrôle (cette machine et la CI : cgroup v1, root) ; sans eux, rien ne
    borne une copie de root : on ne lance pas la boucle."""
    if process_groups() is None:
        component_missing("pas de groupe de contrôle utilisable ici (cgroup pids)")


def run(code, mode, preload, limits):
    """Corrige une copie faite des cellules ``code`` ; renvoie (sorties texte ou nom d'erreur par
    cellule, évènements)."""
    nb = new_notebook(cells=[new_code_cell(c) for c in code])
    try:
        graded = grade_notebook(nbformat.writes(nb), limits, mode, preload=preload)
    finally:
        forkserver.stop_all()
    cells = nbformat.reads(graded.notebook, as_version=4).cells
    return [[o.get("text") or o.get("ename") for o in cell.outputs] for cell in cells], graded.events


@pytest.mark.parametrize(("mode", "preload"), LAUNCHES, ids=LAUNCH_IDS)
def test_forks_stop_at_the_limit(mode, preload):
    """3 000 ``sleep`` lancés par une copie : les créations échouent à la limite, la cellule
    suivante s'exécute, rien ne survit, le groupe de contrôle de la copie est vide, puis effacé
    (à la fin de la copie avec le modèle de noyaux, au lancement suivant sinon)."""
    mode_or_skip(mode, preload)
    groups_or_skip()
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    outputs, events = run([SLEEPERS, RLIMITS], mode, preload, Limits(cell_timeout=120))
    started, error = outputs[0][0].split()
    assert error == "BlockingIOError" and 900 < int(started) < Limits.processes, outputs
    assert events == [], events
    # RLIMIT_NPROC (la borne sans groupe de contrôle, pour un correcteur non root) : posé dans le
    # bac à sable ; RLIMIT_CPU partout.
    nproc, cpu = outputs[1][0].split()
    assert cpu == str(2 * Limits.notebook_timeout), outputs
    assert mode != "bwrap" or nproc == str(Limits.processes), outputs
    left = [p for p in psutil.Process().children(recursive=True) if p.pid not in before and alive(p)]
    assert left == []
    mine = [os.path.join(process_groups()["pids"], g) for g in os.listdir(process_groups()["pids"])
            if g.startswith(f"{GROUP_PREFIX}{os.getpid()}-")]
    assert not [g for g in mine if open(os.path.join(g, "cgroup.procs")).read().strip()], mine
    sweep_groups()  # ce que fait le lancement de la copie suivante (un bac à sable par noyau)
    assert not [g for g in mine if os.path.exists(g)]


@pytest.mark.parametrize(("mode", "preload"), LAUNCHES, ids=LAUNCH_IDS)
def test_threads_get_their_processor_share_only(mode, preload):
    """Huit fils qui calculent pendant 4 s, avec un quota d'un dixième de processeur : la copie
    reçoit au plus ce dixième (sans quota, sur la machine des tests chargée par d'autres : 0,29 à
    0,45 processeur mesurés, jusqu'à tous les cœurs libres sur une machine au repos)."""
    mode_or_skip(mode, preload)
    groups_or_skip()
    if process_groups()["cpu"] is None:
        component_missing("pas de contrôleur cpu utilisable ici")
    outputs, _ = run([SPINNER], mode, preload, Limits(cell_timeout=60, cpus=0.1))
    assert float(outputs[0][0]) <= 0.15, outputs


@pytest.mark.parametrize(("mode", "preload"), LAUNCHES, ids=LAUNCH_IDS)
def test_processor_time_is_capped(mode, preload):
    """``RLIMIT_CPU`` : un noyau qui calcule au-delà de son temps de processeur est arrêté."""
    mode_or_skip(mode, preload)
    spin = "import time\nfin = time.monotonic() + 40\nwhile time.monotonic() < fin:\n    pass\nprint('fini')"
    outputs, events = run([spin, "print('suite')"], mode, preload,
                          Limits(cell_timeout=60, cpu_time=5, cpus=4))
    assert "fini\n" not in outputs[0] and any("noyau arrêté" in e for e in events), (outputs, events)


# --- Une classe avec une bombe et une copie qui calcule dans tous ses fils ----------------------

FORK_BOMB = "import os\nwhile True:\n    os.fork()\n"
THREAD_SPINNER = (
    "import threading, time\n"
    "def calcule():\n"
    "    fin = time.monotonic() + 20\n"
    "    while time.monotonic() < fin:\n"
    "        pass\n"
    "for _ in range(32):\n"
    "    threading.Thread(target=calcule, daemon=True).start()\n"
)
# La même, dans un Python neuf et léger (≈ 10 Mio) : la surveillance de la mémoire, qui additionne
# la mémoire résidente de chaque processus, ne l'arrêterait qu'après des centaines de processus.
LIGHT_FORK_BOMB = (
    "import subprocess, sys, time\n"
    "subprocess.Popen([sys.executable, '-I', '-S', '-c', 'import os\\nwhile True:\\n    os.fork()'])\n"
    "time.sleep(15)\n"
)
HOSTILE = {
    "Bob Bombe_3001": {"b.ipynb": nbformat.writes(with_solution(None, FORK_BOMB)).encode()},
    "Dan Bombe_3003": {"d.ipynb": nbformat.writes(with_solution(None, LIGHT_FORK_BOMB)).encode()},
    "Fay Fils_3002": {"f.ipynb": nbformat.writes(with_solution(None, THREAD_SPINNER)).encode()},
}
HONEST = ("alice_juste_1001", "bruno_fautif_1002", "chloe_vide_1003")
# Processus de plus que sur la machine au repos, au plus : deux copies à leur limite (deux
# travailleurs), plus le correcteur, ses travailleurs et leurs modèles de noyaux.
HOST_MARGIN = 2 * Limits.processes + 300


class HostSampler(threading.Thread):
    """Compte les processus de la machine (``psutil.pids``) toutes les 50 ms, et relève les
    descendants du processus des tests nés après lui (la commande, ses travailleurs, leurs
    copies) ; pas ceux qui vivaient déjà, comme le ``resource_tracker`` de multiprocessing qu'un
    test précédent (tests/test_preflight.py corrige dans le processus de pytest) a lancé et qui vit
    autant que ce processus : vu en CI comme « survivant »."""

    def __init__(self):
        super().__init__(daemon=True)
        self.baseline, self.peak, self.seen = len(psutil.pids()), 0, {}
        self.before = {p.pid for p in psutil.Process().children(recursive=True)}
        self.halt = threading.Event()

    def run(self):
        tick = 0
        while not self.halt.wait(0.05):
            self.peak = max(self.peak, len(psutil.pids()))
            tick += 1
            if tick % 10 == 0:
                with contextlib.suppress(psutil.Error):
                    self.seen.update((p.pid, p) for p in psutil.Process().children(recursive=True)
                                     if p.pid not in self.before)


def test_fork_bomb_and_thread_spinner_leave_the_class_intact(tmp_path, tmp_path_factory):
    mode_or_skip("bwrap", preload=True)
    groups_or_skip()
    (tmp_path / "classe").mkdir()
    course = course_copy(tmp_path / "classe", [ASSIGNMENT])
    nbgrader("generate_assignment", ASSIGNMENT, cwd=course)
    expected = honest_reference(tmp_path_factory)
    sampler = HostSampler()
    sampler.start()
    started = time.monotonic()
    try:
        output = grade(course, moodle_zip(course / "copies.zip", {**honest(), **HOSTILE}))
    finally:
        sampler.halt.set()
        sampler.join()
    seconds = time.monotonic() - started
    graded = rows(course)
    for student in HONEST:
        columns = ("test_normaliser", "total", "total_max", "statut", "a_verifier")
        got, wanted = ({c: table[student][c] for c in columns} for table in (graded, expected))
        assert got == wanted, student
    assert graded["bob_bombe_3001"]["total"] == "0", graded["bob_bombe_3001"]
    assert re.search(r"mémoire dépassée|noyau arrêté|BlockingIOError", graded["bob_bombe_3001"]["statut"])
    assert "dan_bombe_3003" in graded and "fay_fils_3002" in graded, graded
    assert sampler.peak - sampler.baseline <= HOST_MARGIN, (sampler.baseline, sampler.peak)
    # 60 s : sous la charge de la suite complète (deux processus de pytest), l'arrêt des derniers
    # processus d'une copie tuée peut dépasser 30 s (vu une fois en CI) ; un vrai survivant, lui,
    # reste là.
    gone, left = psutil.wait_procs(list(sampler.seen.values()), timeout=60)
    survivors = [f"{p.pid} ({command_line(p, words=8)})" for p in left if alive(p)]
    for process in left:
        with contextlib.suppress(psutil.Error):
            process.kill()
    assert survivors == [], f"processus survivants : {survivors}"
    owners = {str(pid) for pid in sampler.seen}
    stale = [g for g in os.listdir(process_groups()["pids"])
             if g.startswith(GROUP_PREFIX) and g.removeprefix(GROUP_PREFIX).split("-")[0] in owners]
    assert stale == [], stale
    print(f"\nclasse : {seconds:.0f} s, processus de la machine : {sampler.baseline} au repos, "
          f"{sampler.peak} au plus ; {len(sampler.seen)} processus de la correction vus\n{output[-600:]}")
