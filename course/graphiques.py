"""Grilles d'images : des images seules, ou des originales au-dessus de leurs reconstructions.

Introduit dans ``00_prise_en_main`` ; chaque notebook s'en sert pour montrer ses résultats.
Les images peuvent avoir la forme ``(n, 28, 28)``, ``(n, 28, 28, 1)`` ou ``(n, 784)`` ; NumPy ou
tenseur TensorFlow.
"""

import numpy as np


def en_images(images):
    """Convertit ``images`` en tableau NumPy ``(n, 28, 28)`` (aplaties ou non, canal ou non)."""
    tableau = np.asarray(images)
    if tableau.ndim == 4 and tableau.shape[-1] == 1:
        tableau = tableau[..., 0]
    elif tableau.ndim == 2 and tableau.shape[-1] == 28 * 28:
        tableau = tableau.reshape(-1, 28, 28)
    if tableau.ndim != 3:
        raise ValueError(
            f"Forme d'images non reconnue : {np.shape(images)} "
            "(attendu : (n, 28, 28), (n, 28, 28, 1) ou (n, 784))."
        )
    return tableau


def afficher_grille(lignes, titres_lignes=None, titres=None, taille=1.2):
    """Affiche une grille : une ligne de la figure par élément de ``lignes``.

    ``lignes`` : liste de lots d'images de même longueur ``n`` (chaque lot de forme acceptée par
    ``en_images``). ``titres_lignes`` : un libellé par ligne (à gauche). ``titres`` : un titre par
    colonne (au-dessus de la première ligne). Renvoie la figure matplotlib.
    """
    import matplotlib.pyplot as plt

    lots = [en_images(lot) for lot in lignes]
    n = len(lots[0])
    if any(len(lot) != n for lot in lots):
        raise ValueError("Chaque ligne de la grille doit contenir le même nombre d'images.")
    fig, axes = plt.subplots(
        len(lots), n, figsize=(taille * n, taille * len(lots) + 0.3), squeeze=False
    )
    for i, lot in enumerate(lots):
        for j in range(n):
            axe = axes[i, j]
            axe.imshow(lot[j], cmap="gray_r", vmin=0, vmax=_maximum(lot))
            axe.set_xticks([])
            axe.set_yticks([])
            if titres is not None and i == 0:
                axe.set_title(str(titres[j]), fontsize=8)
        if titres_lignes is not None:
            axes[i, 0].set_ylabel(titres_lignes[i], fontsize=9)
    fig.tight_layout()
    return fig


def afficher_images(images, titres=None, n_colonnes=10, taille=1.2):
    """Affiche ``images`` sur plusieurs lignes de ``n_colonnes`` ; renvoie la figure.

    ``titres`` : un titre par image (par exemple le nom de sa classe).
    """
    import matplotlib.pyplot as plt

    lot = en_images(images)
    n_lignes = -(-len(lot) // n_colonnes)
    fig, axes = plt.subplots(
        n_lignes, n_colonnes, figsize=(taille * n_colonnes, taille * n_lignes + 0.3), squeeze=False
    )
    for k, axe in enumerate(axes.flat):
        axe.axis("off")
        if k < len(lot):
            axe.imshow(lot[k], cmap="gray_r", vmin=0, vmax=_maximum(lot))
            if titres is not None:
                axe.set_title(str(titres[k]), fontsize=8)
    fig.tight_layout()
    return fig


def comparer(originales, reconstructions, n=10, titres=None,
             titres_lignes=("originales", "reconstructions")):
    """Affiche les ``n`` premières originales au-dessus de leurs reconstructions ; renvoie la figure.

    ``titres`` : un titre par colonne ; ``titres_lignes`` : les libellés des deux lignes.
    """
    return afficher_grille(
        [en_images(originales)[:n], en_images(reconstructions)[:n]],
        titres_lignes=list(titres_lignes),
        titres=None if titres is None else list(titres)[:n],
    )


def _maximum(lot):
    """Renvoie 255 pour des images en octets, 1 pour des images normalisées."""
    return 255 if lot.dtype == np.uint8 or lot.max() > 1.0 else 1.0
