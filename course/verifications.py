"""Données de test pour les cellules de vérification (visibles et cachées) des notebooks.

Rien ici ne résout un exercice : ces fonctions fabriquent des entrées aux propriétés connues,
pour que les tests comparent les fonctions des étudiants à un calcul indépendant.
"""

import numpy as np


def nuage_gaussien(n, d, graine, decalage=3.0):
    """Renvoie ``(n, d)`` float64 : un nuage gaussien de moyenne non nulle, aux variances bien
    séparées (chaque direction principale a 4 fois moins de variance que la précédente) et aux
    directions principales tournées au hasard. Même graine, même nuage."""
    generateur = np.random.default_rng(graine)
    echelles = 2.0 ** -np.arange(d)
    rotation, _ = np.linalg.qr(generateur.normal(size=(d, d)))
    moyenne = decalage * generateur.normal(size=d)
    return (generateur.normal(size=(n, d)) * echelles) @ rotation.T + moyenne


def directions_principales(x):
    """Renvoie ``(moyenne (d,), directions (d, d))`` calculées par diagonalisation de la
    matrice de covariance (``numpy.linalg.eigh``), directions en lignes par variance décroissante.
    Un calcul indépendant de la SVD, pour les tests."""
    x = np.asarray(x, dtype=np.float64)
    valeurs, vecteurs = np.linalg.eigh(np.cov(x, rowvar=False))
    return x.mean(axis=0), vecteurs[:, np.argsort(valeurs)[::-1]].T
