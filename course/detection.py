"""Détection d'anomalies (introduite dans ``06_applications``) : la courbe ROC d'un score, tracée.

Un score d'anomalie (l'erreur de reconstruction d'un autoencodeur, par exemple) range les images
de la plus normale à la plus inhabituelle. Pour chaque seuil, on déclare anormales les images dont
le score l'atteint : la courbe ROC trace la part des vraies anomalies ainsi trouvées (taux de vrais
positifs) contre la part des images normales prises à tort (taux de faux positifs).
"""

import numpy as np


def tracer_roc(scores, etiquettes, nom, axe):
    """Trace sur ``axe`` (matplotlib) la courbe ROC de ``scores`` ``(n,)`` pour ``etiquettes``
    ``(n,)`` (1 ou True : anomalie), avec la légende ``nom``. Les scores égaux franchissent le
    seuil ensemble : la courbe fait alors un segment en diagonale."""
    scores = np.asarray(scores, dtype=np.float64).ravel()
    anomalies = np.asarray(etiquettes).ravel().astype(bool)
    seuils = np.unique(scores)[::-1]  # du plus haut au plus bas
    vrais = np.searchsorted(np.sort(scores[anomalies]), seuils, side="left")
    faux = np.searchsorted(np.sort(scores[~anomalies]), seuils, side="left")
    taux_vrais = np.concatenate([[0.0], 1 - vrais / anomalies.sum()])
    taux_faux = np.concatenate([[0.0], 1 - faux / (~anomalies).sum()])
    axe.plot(taux_faux, taux_vrais, label=nom)
    axe.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
    axe.set_xlabel("images normales prises pour des anomalies (faux positifs)")
    axe.set_ylabel("anomalies trouvées (vrais positifs)")
    axe.set_xlim(0, 1)
    axe.set_ylim(0, 1)
    axe.set_aspect("equal")
    axe.legend(fontsize=8, loc="lower right")
