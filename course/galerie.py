"""Suivi de l'entraînement d'un GAN (introduit dans ``05_gan``) : une galerie et des pertes.

- ``Galerie`` : rappel Keras qui décode un **lot latent fixe** avant l'entraînement puis à la fin
  de chaque époque ; les mêmes ``z`` d'une ligne à l'autre montrent les progrès du générateur.
- ``SuiviPertes`` : rappel Keras qui garde la valeur de chaque perte **à chaque pas**.

Les générateurs du cours finissent par une tanh : leurs images ``(n, 28, 28, 1)`` sont dans
[−1, 1] ; ``vers_01`` les ramène dans [0, 1] pour l'affichage et pour ``course.qualite``.
"""

import keras
import numpy as np

from course import graphiques


def vers_01(images):
    """Images dans [−1, 1] (NumPy ou tenseur, ``(n, 28, 28, 1)``) -> NumPy float32 dans [0, 1]."""
    return np.clip((np.asarray(images, dtype="float32") + 1.0) / 2.0, 0.0, 1.0)


class Galerie(keras.callbacks.Callback):
    """Rappel Keras : photographie les images d'un lot d'entrées fixe au fil des époques.

    ``generateur`` : modèle Keras à sortie tanh, ``(batch, ...)`` -> ``(batch, 28, 28, 1)`` ;
    ``entrees`` : ses entrées, fixées une fois pour toutes (un lot ``z`` de forme
    ``(n, latent_dim)``, ou la liste ``[z, etiquettes]`` d'un générateur conditionnel).
    Après ``fit(..., callbacks=[galerie])`` : ``galerie.epoques`` (0 = avant l'entraînement) et
    ``galerie.images``, une liste de tableaux ``(n, 28, 28, 1)`` dans [0, 1].
    """

    def __init__(self, generateur, entrees):
        super().__init__()
        self.generateur, self.entrees = generateur, entrees
        self.epoques, self.images = [], []

    def _photographier(self, epoque):
        self.epoques.append(epoque)
        self.images.append(vers_01(self.generateur(self.entrees, training=False)))

    def on_train_begin(self, logs=None):
        if not self.epoques:  # un second fit continue la même galerie
            self._photographier(0)

    def on_epoch_end(self, epoch, logs=None):
        self._photographier(self.epoques[-1] + 1)

    def afficher(self, lignes_max=8, taille=1.0):
        """Une ligne par époque photographiée (au plus ``lignes_max``, réparties de la première à
        la dernière) ; renvoie la figure."""
        choix = np.unique(np.linspace(0, len(self.images) - 1, min(lignes_max, len(self.images))).round())
        choix = choix.astype(int)
        return graphiques.afficher_grille(
            [self.images[i] for i in choix],
            titres_lignes=[f"époque {self.epoques[i]}" for i in choix],
            taille=taille,
        )


class SuiviPertes(keras.callbacks.Callback):
    """Rappel Keras : la valeur de chaque perte de ``cles`` à chaque pas d'entraînement.

    Après chaque pas, Keras passe aux rappels la **moyenne** de chaque perte depuis le début de
    l'époque (les ``keras.metrics.Mean`` du modèle). Si m_k est cette moyenne après k pas, la
    valeur du pas k est k·m_k − (k − 1)·m_{k−1}. Après ``fit`` : ``suivi.valeurs[cle]``, une
    liste de flottants (un par pas, toutes époques bout à bout).
    """

    def __init__(self, cles=("perte_d", "perte_g")):
        super().__init__()
        self.cles = tuple(cles)
        self.valeurs = {cle: [] for cle in self.cles}
        self._moyennes = {}

    def on_epoch_begin(self, epoch, logs=None):
        self._moyennes = {cle: 0.0 for cle in self.cles}

    def on_train_batch_end(self, batch, logs=None):
        k = batch + 1
        for cle in self.cles:
            moyenne = float(logs[cle])
            self.valeurs[cle].append(k * moyenne - (k - 1) * self._moyennes[cle])
            self._moyennes[cle] = moyenne

    def afficher(self, references=None, lissage=25, noms=None):
        """Trace chaque perte pas à pas (en clair) et sa moyenne glissante sur ``lissage`` pas.

        ``references`` : ``{cle: valeur}`` tracées en pointillés (par exemple les pertes à
        l'équilibre théorique) ; ``noms`` : ``{cle: libellé}``. Renvoie la figure.
        """
        import matplotlib.pyplot as plt

        figure, axe = plt.subplots(figsize=(8, 3.5))
        for couleur, cle in zip(("tab:blue", "tab:orange", "tab:green"), self.cles):
            valeurs = np.asarray(self.valeurs[cle])
            nom = (noms or {}).get(cle, cle)
            axe.plot(valeurs, color=couleur, alpha=0.25, linewidth=0.8)
            if len(valeurs) >= lissage:
                glissante = np.convolve(valeurs, np.ones(lissage) / lissage, mode="valid")
                axe.plot(np.arange(lissage - 1, len(valeurs)), glissante, color=couleur, label=nom)
            else:
                axe.lines[-1].set_label(nom)
            if references and cle in references:
                axe.axhline(references[cle], color=couleur, linestyle="--", linewidth=1)
        axe.set_xlabel("pas d'entraînement")
        axe.set_ylabel("perte")
        axe.legend()
        figure.tight_layout()
        return figure
