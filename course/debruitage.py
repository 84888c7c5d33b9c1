"""Explorateur du débruitage : un curseur règle le bruit, on voit l'entrée bruitée et la sortie.

Introduit dans ``03_ae_convolutif`` (autoencodeur débruiteur). L'explorateur reçoit ses données,
son modèle et sa fonction de bruit en arguments ; ipywidgets et matplotlib ne sont importés qu'à
l'appel (aucun effet de bord à l'import).
"""

import numpy as np


def debruiter(images, modele, bruiter, facteur, seed=0):
    """Bruite ``images`` puis les passe dans ``modele`` ; renvoie ``(bruitees, debruitees)``.

    ``images`` : ``(n, 28, 28, 1)`` float32 dans [0, 1] ; ``modele`` : appelable
    ``(n, 28, 28, 1) -> (n, 28, 28, 1)`` (un ``keras.Model``, appliqué par lots de 256) ; ``bruiter`` : fonction
    ``bruiter(images, facteur, seed)`` du notebook 03. Les deux résultats sont des tableaux NumPy
    ``(n, 28, 28, 1)``.
    """
    bruitees = np.asarray(bruiter(images, facteur, seed=seed))
    if hasattr(modele, "predict"):  # keras.Model : par lots, la mémoire reste petite
        debruitees = modele.predict(bruitees, batch_size=256, verbose=0)
    else:
        debruitees = modele(bruitees)
    return bruitees, np.asarray(debruitees)


def erreur_quadratique(a, b):
    """Erreur quadratique moyenne (EQM) entre deux lots de même forme, sur tous les pixels."""
    ecart = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    return float(np.mean(ecart**2))


def explorateur_bruit(images, modele, bruiter, facteur=0.4, facteur_max=1.0, seed=0, taille=1.2):
    """Affiche un curseur du facteur de bruit et trois lignes d'images qui suivent le curseur.

    Lignes : ``images`` propres, leur version bruitée (``bruiter(images, facteur, seed)``), la
    sortie de ``modele`` sur la version bruitée ; le titre donne l'EQM de chacune par rapport aux
    images propres. ``images`` : ``(n, 28, 28, 1)`` dans [0, 1], ``n`` de 1 à 10 conseillé.
    La figure est créée une fois ; bouger le curseur remplace seulement les pixels affichés.
    Renvoie le widget (``ipywidgets.VBox``), déjà affiché ; sa figure est dans l'attribut
    ``figure`` (trois lignes de ``n`` axes).
    """
    import ipywidgets as widgets
    import matplotlib
    import matplotlib.pyplot as plt
    from IPython.display import display

    propres = np.asarray(images)
    n = len(propres)
    vivante = "ipympl" in matplotlib.get_backend() or "widget" in matplotlib.get_backend()
    with plt.ioff():
        figure = plt.figure(figsize=(taille * n, taille * 3 + 0.5))
    if not vivante:
        # Figure ordinaire : affichée plus bas par display(..., display_id), puis réaffichée sur
        # place à chaque mouvement du curseur ; pyplot ne doit pas l'afficher une seconde fois.
        plt.close(figure)
    axes = figure.subplots(3, n, squeeze=False)
    artistes = []
    for i, libelle in enumerate(("propres", "bruitées", "débruitées")):
        ligne = []
        for j in range(n):
            axe = axes[i, j]
            ligne.append(axe.imshow(propres[j, :, :, 0], cmap="gray_r", vmin=0, vmax=1))
            axe.set_xticks([])
            axe.set_yticks([])
        axes[i, 0].set_ylabel(libelle, fontsize=9)
        artistes.append(ligne)
    titre = figure.suptitle("", fontsize=10)
    figure.tight_layout()

    curseur = widgets.FloatSlider(
        value=facteur, min=0.0, max=facteur_max, step=0.05, description="bruit",
        continuous_update=False, readout_format=".2f",
    )
    poignee = None  # affichage de la figure ordinaire, remplacé à chaque mouvement du curseur

    def mettre_a_jour(facteur):
        bruitees, debruitees = debruiter(propres, modele, bruiter, facteur, seed=seed)
        for artiste, image in zip(artistes[1], bruitees):
            artiste.set_data(image[:, :, 0])
        for artiste, image in zip(artistes[2], debruitees):
            artiste.set_data(image[:, :, 0])
        titre.set_text(
            f"écart-type du bruit {facteur:.2f} — EQM bruitées : "
            f"{erreur_quadratique(bruitees, propres):.4f}, débruitées : "
            f"{erreur_quadratique(debruitees, propres):.4f}"
        )
        if vivante:
            figure.canvas.draw_idle()
        elif poignee is not None:
            poignee.update(figure)

    curseur.observe(lambda changement: mettre_a_jour(changement["new"]), names="value")
    mettre_a_jour(curseur.value)
    # Figure ordinaire : un affichage à identifiant (display_id), mis à jour sur place, plutôt
    # qu'un widget Output (dont la capture bloque parfois nbclient, donc les tests).
    boite = widgets.VBox([curseur, figure.canvas] if vivante else [curseur])
    boite.figure = figure
    display(boite)
    if not vivante:
        poignee = display(figure, display_id=True)
    return boite
