"""Une fixture coûteuse construite une seule fois pour les deux processus de pytest-xdist.

Une fixture de module (une classe entière corrigée par la commande, par exemple) est construite
par chaque processus de ``pytest -n 2`` qui lance un de ses tests : deux fois la même correction,
en même temps, sur deux cœurs. ``une_fois`` la fait construire par le premier processus qui la
demande ; l'autre attend (verrou ``fcntl`` sur un fichier du dossier temporaire commun de la
session) puis relit le résultat, enregistré en JSON. Sans pytest-xdist : construite directement.

``scripts/tests.sh`` lance pytest avec ``--dist loadscope`` (les tests d'un module sur un seul
processus) : ``une_fois`` sert alors aux résultats que plusieurs modules partagent sous le même
nom, et à ``pytest -n 2`` lancé sans cette option.
"""

import fcntl
import json
import os


def une_fois(tmp_path_factory, nom, construire):
    """Le résultat (JSON) de ``construire()``, calculé une seule fois par session de tests."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return construire()
    commun = tmp_path_factory.getbasetemp().parent  # partagé par les processus de la session
    resultat = commun / f"{nom}.json"
    with open(commun / f"{nom}.verrou", "w") as verrou:
        fcntl.flock(verrou, fcntl.LOCK_EX)
        if not resultat.exists():
            resultat.write_text(json.dumps(construire()), encoding="utf-8")
    return json.loads(resultat.read_text(encoding="utf-8"))
