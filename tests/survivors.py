"""Retrouver les processus d'un noyau de correction, même quand ils ne descendent plus de rien.

Un noyau se reconnaît à son fichier de connexion (``-f /tmp/corr-…/noyau.json``), unique par copie,
qui figure dans la ligne de commande du bwrap extérieur, de l'init du bac à sable et du noyau.
"""

import contextlib
import time

import psutil


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


def kernel_connections(processes):
    """Les fichiers de connexion (``-f <fichier>``) des noyaux parmi ``processes``."""
    found = set()
    for process in processes:
        with contextlib.suppress(psutil.Error):
            words = process.cmdline()
            found.update(words[i + 1] for i, word in enumerate(words[:-1])
                         if word == "-f" and words[i + 1].endswith("noyau.json"))
    return found


def sandbox_survivors(connections, timeout=30):
    """Les processus (bwrap, init du bac à sable, noyau) dont la ligne de commande nomme l'un des
    fichiers ``connections``, encore vivants (non zombies) après ``timeout`` s ; tués avant de
    répondre, pour ne pas gêner les tests suivants."""
    def members():
        return [process for process in psutil.process_iter()
                if any(c in command_line(process, words=None) for c in connections) and alive(process)]

    deadline = time.monotonic() + timeout
    while (left := members()) and time.monotonic() < deadline:
        time.sleep(0.2)
    described = []
    for process in left:
        with contextlib.suppress(psutil.Error):
            described.append(f"{process.pid} (parent {process.ppid()}) {command_line(process)[:60]}")
            process.kill()
    return described
