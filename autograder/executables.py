"""Les exécutables de l'environnement du cours, trouvés sans l'activer.

nbgrader lance l'exécutable ``alembic`` par son nom (création du carnet de notes) : il n'est dans le
PATH que si l'environnement est actif. Lancé par son chemin complet (``.venv/bin/python -m
autograder corriger …`` depuis une tâche cron ou un script, ``.venv/bin/jupyter lab``), le
correcteur ne le trouverait pas. ``put_environment_first`` met donc en tête du PATH le dossier des
exécutables de l'environnement qui exécute ce code (``.venv/bin``, ``Scripts\\`` sous Windows) : la
configuration nbgrader (formgrader, commandes nbgrader), la ligne de commande du correcteur et les
sous-processus des tests et des bancs (``tests/paths.py``) l'appellent. ``require`` dit en plus, en
français, quel exécutable manque encore.
"""

import os
import shutil
import sys
import sysconfig


def environment_bins():
    """Les dossiers des exécutables de l'environnement Python courant (sans doublon)."""
    folders = (sysconfig.get_path("scripts"), os.path.dirname(sys.executable))
    return [folder for folder in dict.fromkeys(folders) if folder]


def put_environment_first(environ=None):
    """Met les dossiers de ``environment_bins()`` en tête du PATH de ``environ`` (par défaut
    ``os.environ``, donc aussi celui de tous les sous-processus) ; renvoie ``environ``."""
    environ = os.environ if environ is None else environ
    bins = environment_bins()
    rest = [folder for folder in environ.get("PATH", "").split(os.pathsep) if folder and folder not in bins]
    environ["PATH"] = os.pathsep.join(bins + rest)
    return environ


def require(*names):
    """``put_environment_first()``, puis chaque exécutable de ``names`` doit être dans le PATH :
    sinon ``SystemExit`` avec un message en français (l'environnement du cours est incomplet)."""
    put_environment_first()
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        raise SystemExit(
            f"Erreur : exécutable introuvable : {', '.join(missing)} (cherché dans le PATH, "
            f"{' et '.join(environment_bins())} en tête). L'environnement du cours ({sys.prefix}) est "
            "incomplet : réinstallez-le (bash scripts/installer.sh, ou pip install -r requirements.txt).")
