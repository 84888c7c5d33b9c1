"""Une vraie grappe Dask locale pour les tests : un ordonnanceur et deux travailleurs, chacun dans
ses propres processus (comme sur une vraie grappe, rien n'est partagé avec le processus de test).

``dask_cluster`` (fixture, une par module) lance ``python -m distributed.cli.dask_scheduler`` sur
127.0.0.1 (port libre, adresse lue dans le fichier ``--scheduler-file``), puis deux
``python -m distributed.cli.dask_worker ADRESSE --nworkers 1 --nthreads 1`` dans l'environnement
du cours (``autograder`` y est installé, comme le demande ``autograder.cluster`` à l'enseignant) ; attend que les deux travailleurs soient connectés ; donne
``(adresse, processus des travailleurs)`` ; tue tout à la fin (chaque processus lancé est chef de
son groupe : le groupe entier part, nounou, travailleur et noyaux compris).
"""

import contextlib
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest

from paths import ROOT, environment

WORKERS = 2


def _start(command, log, env):
    return subprocess.Popen(
        [sys.executable, "-m", *command], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )


def _stop(process, grace=10):
    """Arrête le groupe de processus de ``process`` (SIGTERM, puis SIGKILL)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(grace)
            return
        except subprocess.TimeoutExpired:
            continue


def _logs(folder):
    return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
                     for p in sorted(pathlib.Path(folder).glob("*.log")))


def _scheduler_address(path, scheduler, folder, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError, KeyError):
            return json.loads(path.read_text())["address"]
        if scheduler.poll() is not None:
            break
        time.sleep(0.2)
    raise RuntimeError(f"l'ordonnanceur Dask n'a pas démarré :\n{_logs(folder)}")


@contextlib.contextmanager
def local_cluster(count=None):
    """Un ordonnanceur et ``count`` travailleurs (défaut : ``WORKERS``) ; donne ``(adresse, travailleurs)``."""
    import distributed  # noqa: PLC0415

    count = count or WORKERS

    folder = pathlib.Path(tempfile.mkdtemp(prefix="grappe-dask-"))
    env = environment()
    processes = []
    try:
        scheduler_file = folder / "ordonnanceur.json"
        with open(folder / "ordonnanceur.log", "w") as log:
            scheduler = _start(["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
                                "--scheduler-file", str(scheduler_file), "--no-dashboard"], log, env)
        processes.append(scheduler)
        address = _scheduler_address(scheduler_file, scheduler, folder)
        workers = []
        for number in range(count):
            with open(folder / f"travailleur{number}.log", "w") as log:
                workers.append(_start(
                    ["distributed.cli.dask_worker", address, "--nworkers", "1", "--nthreads", "1",
                     "--no-dashboard", "--host", "127.0.0.1", "--name", f"travailleur{number}",
                     "--local-directory", str(folder / f"travailleur{number}")], log, env))
        processes += workers
        with distributed.Client(address, timeout="30s", set_as_default=False) as client:
            try:
                client.wait_for_workers(count, timeout=120)
            except TimeoutError:
                raise RuntimeError(
                    f"les travailleurs Dask ne se sont pas connectés :\n{_logs(folder)}") from None
        yield address, workers
    finally:
        for process in reversed(processes):
            _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def dask_cluster():
    with local_cluster() as cluster:
        yield cluster
