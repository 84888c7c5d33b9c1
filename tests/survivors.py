"""Retrouver les processus d'un noyau de correction, même quand ils ne descendent plus de rien.

Deux marques, qui figurent dans la ligne de commande de chaque processus concerné :

- un noyau lancé par son propre bwrap : son fichier de connexion (``-f /tmp/corr-…/noyau.json``),
  unique par copie, dans la ligne du bwrap extérieur, de l'init du bac à sable et du noyau ;
- un modèle de noyaux (``autograder/isolation/forkserver.py``) : son dossier partagé
  (``/tmp/corr-modele-…``), dans la ligne de son bwrap, du modèle et de chaque copie dupliquée
  (intermédiaire, init et noyau gardent la ligne de commande du modèle).
"""

import contextlib
import pathlib
import sys
import time

import psutil

from paths import ROOT

sys.path.insert(0, str(ROOT))
from autograder.isolation import scratch  # noqa: E402


def command_line(process, words=3):
    """Les ``words`` premiers mots de la ligne de commande (tous si None), ou "" si le processus
    est mort ou zombie entre-temps."""
    try:
        return " ".join(process.cmdline()[:words])
    except psutil.Error:
        return ""


def alive(process):
    """Vivant et pas zombie ; faux aussi si le processus disparaît pendant la question."""
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def is_kernel(process):
    """Un noyau de correction : lancé par ``ipykernel_launcher`` ou dupliqué d'un modèle."""
    try:
        return "ipykernel_launcher" in command_line(process, words=None) or process.name() == "noyau-copie"
    except psutil.Error:
        return False


def sandbox_marks(processes):
    """Les marques (voir le module) des bacs à sable de correction parmi ``processes``."""
    found = set()
    for process in processes:
        with contextlib.suppress(psutil.Error):
            words = process.cmdline()
            found.update(words[i + 1] for i, word in enumerate(words[:-1])
                         if word == "-f" and words[i + 1].endswith("noyau.json"))
            found.update(word for word in words if "/corr-modele-" in word and " " not in word)
    return found


def mark_directory(mark):
    """Le dossier temporaire qu'une marque désigne (à effacer quand son correcteur a été tué)."""
    return pathlib.Path(mark).parent if mark.endswith("noyau.json") else pathlib.Path(mark)


def remove_mark_directory(mark):
    """Efface le dossier d'une marque et son verrou (``scratch.remove``) : son correcteur, tué, ne
    l'a pas fait."""
    scratch.remove(mark_directory(mark))


def sandbox_survivors(marks, timeout=30):
    """Les processus (bwrap, init du bac à sable, modèle, noyau) dont la ligne de commande porte
    l'une des marques ``marks``, encore vivants (non zombies) après ``timeout`` s ; tués avant de
    répondre, pour ne pas gêner les tests suivants."""
    def members():
        return [process for process in psutil.process_iter()
                if any(m in command_line(process, words=None) for m in marks) and alive(process)]

    deadline = time.monotonic() + timeout
    while (left := members()) and time.monotonic() < deadline:
        time.sleep(0.2)
    described = []
    for process in left:
        with contextlib.suppress(psutil.Error):
            described.append(f"{process.pid} (parent {process.ppid()}) {command_line(process)[:60]}")
            process.kill()
    return described
