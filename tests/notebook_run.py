"""Exécution d'un notebook source dans un budget, avec nbclient : celle des tests et du banc des budgets.

``tests/test_notebooks.py`` y vérifie l'absence d'erreur (budget ``rapide``) ;
``benchmarks/budgets.py`` y mesure les secondes et la mémoire de chaque budget. Le noyau reçoit
l'environnement du budget (et lui seul) : ``course/budget.py`` y lit son mode.
"""

import dataclasses
import math
import subprocess
import sys
import time

from nbclient import NotebookClient

from notebook_text import read
from paths import ROOT, environment, source_notebook

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from autograder.execute import MemoryWatch  # noqa: E402

# Variables que reçoit le noyau dans chaque budget (paths.environment retire les deux autres).
BUDGET_ENVIRONMENT = {
    "complet": {},
    "rapide": {"COURSE_BUDGET": "rapide"},
    "correction": {"NBGRADER_EXECUTION": "autograde"},  # ce que nbgrader définit pendant autograde
}
SAFETY_TIMEOUT = 600  # secondes par notebook : un garde-fou contre un noyau bloqué, pas un budget


@dataclasses.dataclass
class Run:
    """Un notebook exécuté : ``seconds`` du démarrage du noyau à la dernière cellule,
    ``peak_memory`` la mémoire résidente maximale de l'arbre de processus du noyau (octets)."""

    notebook: object
    seconds: float
    peak_memory: int

    @property
    def errors(self):
        """Les sorties d'erreur des cellules (vide si tout s'est bien passé)."""
        return [o for c in self.notebook.cells if c.cell_type == "code"
                for o in c.outputs if o.output_type == "error"]


def run_source(assignment, budget, folder, timeout=SAFETY_TIMEOUT, quiet=False):
    """Exécute ``source/<assignment>`` de haut en bas dans ``budget``, dossier de travail ``folder``.

    ``quiet`` : jeter ce que le processus du noyau écrit lui-même sur sa sortie et sa sortie
    d'erreur (avertissements de démarrage ; les sorties des cellules passent par les messages).

    S'arrête à la première cellule en erreur (``nbclient.exceptions.CellExecutionError``) ou si le
    notebook dépasse ``timeout`` secondes en tout (``CellTimeoutError``) ; renvoie un ``Run``.
    """
    nb = read(source_notebook(assignment))
    deadline = time.monotonic() + timeout
    client = NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(folder)}},
                            timeout_func=lambda cell: max(1, math.ceil(deadline - time.monotonic())))
    watches = []

    def watch_kernel(**_):
        watches.append(MemoryWatch(client.km.provisioner.process.pid, limit=math.inf))
        watches[-1].start()

    client.on_notebook_start = watch_kernel
    start = time.perf_counter()
    try:
        client.execute(env=environment(TF_CPP_MIN_LOG_LEVEL="2", **BUDGET_ENVIRONMENT[budget]),
                       **({"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL} if quiet else {}))
    finally:
        for watch in watches:
            watch.stop()
    return Run(nb, time.perf_counter() - start, max((w.peak for w in watches), default=0))
