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


def couches_a_noyau(modele):
    """Les couches à matrice de poids (``Dense``, convolutions) de ``modele``, dans l'ordre,
    sous-modèles dépliés (voir ``modeles.couches_depliees``)."""
    from course.modeles import couches_depliees

    return [couche for couche in couches_depliees(modele) if hasattr(couche, "kernel")]


def sorties_poids_grossis(modele, entrees, facteur, derniere_couche=False):
    """Multiplie en place par ``facteur`` les poids entraînables de ``modele`` — tous, ou ceux de
    sa seule dernière couche à noyau si ``derniere_couche`` — puis renvoie ``modele(entrees)`` en
    float64 NumPy, de la forme des sorties du modèle (une liste de tableaux s'il en a plusieurs).

    Sert aux tests de plage : avec des poids grossis, les pré-activations de sortie deviennent
    grandes et, pour des poids initiaux tirés symétriques par Keras (biais nuls), de signe ½-½ ;
    une activation de sortie juste atteint alors les deux bouts de sa plage (une sigmoïde vient
    près de 0 et de 1), une activation de trop (sigmoïde d'une ReLU, 0,5·sigmoïde) ou une sortie
    coupée ne les atteint jamais. Chaque test dit, à côté de son seuil, la probabilité de fausse
    alarme pour une réponse juste, ou ce qu'il a mesuré sur les réponses justes du catalogue.

    Le modèle reste modifié : un second appel multiplie encore (les facteurs se composent)."""
    poids = couches_a_noyau(modele)[-1].weights if derniere_couche else modele.trainable_weights
    for variable in poids:
        variable.assign(variable * facteur)
    sorties = modele(entrees)
    if isinstance(sorties, (list, tuple)):
        return [np.asarray(sortie, dtype=np.float64) for sortie in sorties]
    return np.asarray(sorties, dtype=np.float64)
