"""Figures interactives vivantes : curseur de l'ACP (``01_ae_lineaire``) et explorateur de
l'espace latent (introduit dans ``02_ae_dense``, repris dans ``04_vae``).

Les figures sont des widgets ipympl : le nuage de points est dessiné une seule fois, et chaque
mouvement d'un curseur ne met à jour que le marqueur et l'image (pas de redessin complet).
Les explorateurs reçoivent leurs données et leurs modèles en arguments. ipywidgets et ipympl
sont importés dans les fonctions qui s'en servent.
"""

import numpy as np

from course import donnees, graphiques


def figure_vivante(taille):
    """Crée une figure matplotlib affichée comme widget ipympl ; renvoie ``(figure, canevas)``.

    N'altère pas le moteur de rendu global de matplotlib (les autres figures restent statiques).
    """
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    moteur = plt.get_backend()
    from ipympl.backend_nbagg import Canvas, FigureManager  # son import change de moteur : on le rétablit

    if plt.get_backend() != moteur:
        plt.switch_backend(moteur)

    figure = Figure(figsize=taille, layout="constrained")
    canevas = Canvas(figure)
    FigureManager(canevas, 0)
    canevas.header_visible = False
    canevas.toolbar_visible = False
    canevas.resizable = False
    return figure, canevas


class CurseurACP:
    """Curseur sur k : les reconstructions à k composantes et la variance expliquée.

    ``originales`` : ``n`` images (forme acceptée par ``graphiques.en_images``) ;
    ``reconstruire(k)`` : fonction qui renvoie les ``n`` reconstructions à k composantes
    (le notebook la construit avec la fonction ``reconstruire_acp`` de l'étudiant) ;
    ``variance_cumulee`` : ``(K,)``, la part de variance expliquée par les k premières
    composantes pour k = 1..K (le curseur va de 1 à K).
    """

    def __init__(self, originales, reconstruire, variance_cumulee, k_initial=2):
        import ipywidgets as widgets

        self.originales = graphiques.en_images(originales)
        self.reconstruire = reconstruire
        self.variance_cumulee = np.asarray(variance_cumulee)
        n, kmax = len(self.originales), len(self.variance_cumulee)
        self.figure, self.canevas = figure_vivante((1.1 * n + 3.5, 2.8))
        grille = self.figure.add_gridspec(2, n + 3)
        self._images = []
        for j in range(n):
            haut = self.figure.add_subplot(grille[0, j])
            bas = self.figure.add_subplot(grille[1, j])
            haut.imshow(self.originales[j], cmap="gray_r", vmin=0, vmax=1)
            self._images.append(bas.imshow(self.originales[j], cmap="gray_r", vmin=0, vmax=1))
            for axe in (haut, bas):
                axe.set_xticks([])
                axe.set_yticks([])
        self.figure.axes[0].set_ylabel("originales", fontsize=8)
        self.figure.axes[1].set_ylabel("ACP", fontsize=8)
        courbe = self.figure.add_subplot(grille[:, n:])
        ks = np.arange(1, kmax + 1)
        courbe.plot(ks, 100 * self.variance_cumulee)
        courbe.set_xlabel("k (composantes)")
        courbe.set_ylabel("variance expliquée (%)")
        courbe.set_ylim(0, 100)
        self._repere = courbe.axvline(k_initial, color="tab:red")
        self._texte = courbe.set_title("", fontsize=9)
        self.curseur = widgets.IntSlider(
            value=k_initial, min=1, max=kmax, description="k", continuous_update=True
        )
        self.curseur.observe(lambda change: self.montrer(change["new"]), names="value")
        self.widget = widgets.VBox([self.curseur, self.canevas])
        self.montrer(k_initial)

    def montrer(self, k):
        """Met à jour les reconstructions et le repère de la courbe pour k composantes."""
        reconstructions = graphiques.en_images(self.reconstruire(k))
        for image, reconstruction in zip(self._images, reconstructions):
            image.set_data(np.clip(reconstruction, 0, 1))
        self._repere.set_xdata([k, k])
        part = 100 * self.variance_cumulee[k - 1]
        self._texte.set_text(f"k = {k} : {part:.1f} % de la variance, compression ×{784 / k:.0f}")
        self.canevas.draw_idle()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


class ExplorateurLatent:
    """Explorateur d'un espace latent à 2 dimensions.

    À gauche, ``points`` ``(n, 2)`` (les codes du jeu de test) colorés par ``etiquettes``
    ``(n,)`` ; à droite, l'image que ``decodeur`` produit au point choisi. Le point se choisit
    avec deux curseurs ou d'un clic dans le nuage. ``decodeur`` : un modèle Keras (ou toute
    fonction) qui envoie un lot ``(1, 2)`` vers une image ``(1, 28, 28, 1)``, ``(1, 28, 28)``
    ou ``(1, 784)``.
    """

    def __init__(self, points, etiquettes, decodeur, noms_classes=donnees.NOMS_CLASSES, marge=0.5):
        import ipywidgets as widgets

        self.points = np.asarray(points, dtype=np.float32)
        if self.points.ndim != 2 or self.points.shape[1] != 2:
            raise ValueError(f"L'explorateur attend des points (n, 2), pas {self.points.shape}.")
        self.decodeur = decodeur
        bas = self.points.min(axis=0) - marge
        haut = self.points.max(axis=0) + marge
        depart = np.median(self.points, axis=0)
        self.figure, self.canevas = figure_vivante((9, 4.2))
        nuage, self._axe_image = self.figure.subplots(1, 2, width_ratios=[1.5, 1])
        diffusion = nuage.scatter(*self.points.T, c=etiquettes, cmap="tab10", s=3, vmin=-0.5, vmax=9.5)
        barre = self.figure.colorbar(diffusion, ax=nuage, ticks=range(10))
        barre.ax.set_yticklabels(noms_classes, fontsize=7)
        nuage.set_xlim(bas[0], haut[0])
        nuage.set_ylim(bas[1], haut[1])
        nuage.set_xlabel("z₁")
        nuage.set_ylabel("z₂")
        nuage.set_title("codes du jeu de test (cliquez pour choisir un point)", fontsize=9)
        (self._marqueur,) = nuage.plot([depart[0]], [depart[1]], "k+", markersize=16, mew=2)
        self._image = self._axe_image.imshow(np.zeros((28, 28)), cmap="gray_r", vmin=0, vmax=1)
        self._axe_image.set_xticks([])
        self._axe_image.set_yticks([])
        self._nuage = nuage
        options = dict(step=0.01, continuous_update=True, readout_format=".2f")
        self.curseurs = [
            widgets.FloatSlider(value=float(depart[i]), min=float(bas[i]), max=float(haut[i]),
                                description=f"z{'₁₂'[i]}", **options)
            for i in range(2)
        ]
        for curseur in self.curseurs:
            curseur.observe(lambda change: self._suivre(), names="value")
        self.canevas.mpl_connect("button_press_event", self._clic)
        self.widget = widgets.VBox([widgets.HBox(self.curseurs), self.canevas])
        self._suivre()

    def image_decodee(self, z1, z2):
        """Renvoie l'image ``(28, 28)`` que le décodeur produit au point ``(z1, z2)``."""
        z = np.array([[z1, z2]], dtype=np.float32)
        return graphiques.en_images(np.asarray(self.decodeur(z)))[0]

    def aller_a(self, z1, z2):
        """Place le point choisi en ``(z1, z2)`` (dans les bornes des curseurs)."""
        self.curseurs[0].value, self.curseurs[1].value = float(z1), float(z2)

    def _clic(self, evenement):
        if evenement.inaxes is self._nuage and evenement.xdata is not None:
            self.aller_a(evenement.xdata, evenement.ydata)

    def _suivre(self):
        z1, z2 = (curseur.value for curseur in self.curseurs)
        self._marqueur.set_data([z1], [z2])
        self._image.set_data(self.image_decodee(z1, z2))
        self._axe_image.set_title(f"décodage de ({z1:.2f}, {z2:.2f})", fontsize=9)
        self.canevas.draw_idle()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
