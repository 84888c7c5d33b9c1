"""Dossiers temporaires du correcteur (``/tmp/corr-…``), effacés même quand leur propriétaire a été tué.

Un travailleur tué (``kill -9``, travailleur Dask perdu) ne nettoie rien. Chaque dossier a donc, à
côté de lui, un fichier ``<dossier>.verrou`` que son propriétaire garde verrouillé (``flock``) tant
qu'il vit ; Linux lâche ce verrou à la mort du processus, quelle qu'elle soit. Avant d'en créer un,
``create`` efface les dossiers de même préfixe dont le verrou est libre. Le verrou est hors du
dossier : une copie, qui voit le dossier de ses sockets, ne le voit pas.
"""

import contextlib
import fcntl
import os
import pathlib
import shutil
import tempfile
import time

SUFFIX = ".verrou"
UNLOCKED_GRACE = 60  # secondes : un dossier plus jeune n'est jamais pris pour abandonné


class Scratch:
    """Un dossier temporaire et le verrou qui dit que son propriétaire vit."""

    def __init__(self, path, lock):
        self.path, self._lock = path, lock

    def remove(self):
        """Efface le dossier et son verrou (sans effet la deuxième fois)."""
        if self._lock is None:
            return
        remove(self.path)
        os.close(self._lock)
        self._lock = None


def remove(path):
    """Efface le dossier ``path`` et son verrou, s'ils existent (propriétaire mort, ou qui s'en va)."""
    shutil.rmtree(path, ignore_errors=True)
    with contextlib.suppress(OSError):
        os.unlink(f"{path}{SUFFIX}")


def create(prefix, parent=None):
    """Un dossier neuf ``<parent>/<prefix>…`` (``parent`` : le dossier temporaire du système),
    après avoir effacé les dossiers abandonnés de même préfixe. Renvoie un ``Scratch``."""
    parent = parent or tempfile.gettempdir()
    sweep(prefix, parent)
    path = tempfile.mkdtemp(prefix=prefix, dir=parent)
    lock = os.open(path + SUFFIX, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return Scratch(path, lock)


def sweep(prefix, parent=None):
    """Efface les dossiers ``<parent>/<prefix>…`` dont le propriétaire est mort (verrou libre, ou
    pas de verrou depuis plus de ``UNLOCKED_GRACE`` s), et les verrous libres restés sans dossier ;
    renvoie les chemins effacés."""
    removed = []
    for candidate in pathlib.Path(parent or tempfile.gettempdir()).glob(f"{prefix}*"):
        if candidate.name.endswith(SUFFIX):
            # Un verrou seul (propriétaire tué entre l'effacement du dossier et celui du verrou).
            folder = candidate.with_name(candidate.name[: -len(SUFFIX)])
            if not folder.exists() and _abandoned(folder):
                with contextlib.suppress(OSError):
                    candidate.unlink()
                    removed.append(str(candidate))
            continue
        if not candidate.is_dir() or candidate.is_symlink():
            continue
        if _abandoned(candidate):
            remove(candidate)
            removed.append(str(candidate))
    return removed


def _abandoned(folder):
    """Abandonné : plus vieux que ``UNLOCKED_GRACE`` s (un dossier et son verrou sont créés puis
    verrouillés en quelques microsecondes : jamais pris pour abandonné pendant ce temps) et sans
    verrou, ou avec un verrou que personne ne tient."""
    lock_path = str(folder) + SUFFIX
    try:
        born = os.stat(lock_path).st_mtime if os.path.exists(lock_path) else folder.stat().st_mtime
    except OSError:
        return False
    if time.time() - born <= UNLOCKED_GRACE:
        return False
    try:
        lock = os.open(lock_path, os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # verrouillé : son propriétaire vit
    finally:
        os.close(lock)  # lâche aussi le verrou pris ici
    return True
