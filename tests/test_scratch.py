"""Dossiers temporaires du correcteur (autograder/isolation/scratch.py) : ceux d'un processus tué sont
effacés par le suivant, jamais ceux d'un processus vivant ni ceux qui viennent d'être créés.

Les propriétaires sont de vrais processus, tués par ``kill -9`` comme un travailleur perdu."""

import contextlib
import os
import signal
import subprocess
import sys
import time

from paths import ROOT, environment

sys.path.insert(0, str(ROOT))
from autograder.isolation import scratch  # noqa: E402

OWNER = """
import sys, time
sys.path.insert(0, sys.argv[1])
from autograder.isolation import scratch
dossier = scratch.create("essai-", sys.argv[2])
print(dossier.path, flush=True)
time.sleep(600)
"""


def owner(parent):
    """Un processus qui crée un dossier et le garde ; renvoie (processus, chemin)."""
    process = subprocess.Popen([sys.executable, "-c", OWNER, str(ROOT), str(parent)], env=environment(),
                               stdout=subprocess.PIPE, text=True)
    return process, process.stdout.readline().strip()


def age(path, seconds):
    """Vieillit ``path`` et son verrou de ``seconds`` secondes."""
    past = time.time() - seconds
    for target in (path, path + scratch.SUFFIX):
        if os.path.exists(target):
            os.utime(target, (past, past))


@contextlib.contextmanager
def dead_and_living_owners(parent):
    """Deux propriétaires de dossiers dans ``parent`` : l'un tué par ``kill -9``, l'autre vivant
    jusqu'à la sortie du bloc ; donne (chemin du mort, chemin du vivant)."""
    dead, dead_path = owner(parent)
    living, living_path = owner(parent)
    try:
        dead.send_signal(signal.SIGKILL)
        dead.wait()
        yield dead_path, living_path
    finally:
        living.kill()
        living.wait()


def test_a_killed_owner_s_folder_is_swept_a_living_one_is_kept(tmp_path):
    with dead_and_living_owners(tmp_path) as (dead_path, living_path):
        age(dead_path, 3600)
        age(living_path, 3600)
        fresh = scratch.create("essai-", tmp_path)  # balaie avant de créer
        assert not os.path.exists(dead_path) and not os.path.exists(dead_path + scratch.SUFFIX)
        assert os.path.isdir(living_path), "le dossier d'un processus vivant a été effacé"
        fresh.remove()
        assert not os.path.exists(fresh.path) and not os.path.exists(fresh.path + scratch.SUFFIX)


def test_a_young_folder_is_never_swept(tmp_path):
    dead, dead_path = owner(tmp_path)
    dead.send_signal(signal.SIGKILL)
    dead.wait()
    unlocked = tmp_path / "essai-sansverrou"
    unlocked.mkdir()
    assert scratch.sweep("essai-", tmp_path) == []  # moins de UNLOCKED_GRACE s : peut-être en création
    age(str(unlocked), 3600)
    age(dead_path, 3600)
    assert sorted(scratch.sweep("essai-", tmp_path)) == sorted([dead_path, str(unlocked)])


def test_a_lock_left_without_its_folder_is_swept_once_free(tmp_path):
    # Propriétaire tué entre l'effacement de son dossier et celui de son verrou (ou dossier effacé
    # par un autre) : le verrou seul est effacé s'il est libre et vieux, gardé sinon.
    with dead_and_living_owners(tmp_path) as (dead_path, living_path):
        for path in (dead_path, living_path):
            os.rmdir(path)
            age(path, 3600)
        assert scratch.sweep("essai-", tmp_path) == [dead_path + scratch.SUFFIX]
        assert not os.path.exists(dead_path + scratch.SUFFIX)
        assert os.path.exists(living_path + scratch.SUFFIX), "le verrou d'un processus vivant a été effacé"
