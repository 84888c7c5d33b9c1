"""Entraînements bornés par le temps, avec une barre de progression et une estimation du temps restant.

Un entraînement s'arrête à la première de deux bornes : ses époques (``tailles.epoques``) et, en
mode ``complet``, une durée (``tailles.secondes``, voir ``budget.py``), choisie pour qu'un notebook
tienne dans son budget sur une machine trois fois plus lente que celle où les époques ont été
réglées. La barre est celle de tqdm pour Keras (``tqdm.keras.TqdmCallback``, en texte : lisible
dans JupyterLab comme dans une page exportée). Usage ::

    from course import entrainement
    suivi = entrainement.Suivi(tailles)
    modele.fit(x, x, epochs=tailles.epoques, callbacks=suivi.rappels(), verbose=0)
    suivi.bilan()   # une ligne : époques faites, durée, arrêt par la limite de temps ou non

Les modes ``rapide`` et ``correction`` n'ont pas de limite de temps : seules leurs époques comptent.
"""

import sys
import time

import keras
from tqdm.keras import TqdmCallback
from tqdm.std import tqdm as text_tqdm


class LimiteDeTemps(keras.callbacks.Callback):
    """Arrête l'entraînement après le premier lot qui finit au-delà de ``secondes`` (None : jamais).

    Compte les époques terminées jusqu'au bout (une époque interrompue par la limite n'en est pas)
    et les lots ; ``arrete`` dit si la limite a servi."""

    def __init__(self, secondes=None):
        super().__init__()
        self.secondes = secondes
        self.debut = None
        self.duree = 0.0
        self.epoques_finies = 0
        self.lots = 0
        self.lots_debut_epoque = 0
        self.arrete = False

    def on_train_begin(self, logs=None):
        self.debut = time.perf_counter()
        self.epoques_finies, self.lots, self.arrete = 0, 0, False

    def on_train_batch_end(self, batch, logs=None):
        self.lots += 1
        self.duree = time.perf_counter() - self.debut
        if self.secondes is not None and self.duree >= self.secondes:
            self.model.stop_training = True
            self.arrete = True

    def on_epoch_begin(self, epoch, logs=None):
        self.lots_debut_epoque = self.lots

    def on_epoch_end(self, epoch, logs=None):
        # Keras appelle on_epoch_end même quand stop_training interrompt l'époque en cours.
        pas = (self.params or {}).get("steps")
        faits = self.lots - self.lots_debut_epoque
        if (pas and faits >= pas) or (not pas and not self.arrete):
            self.epoques_finies += 1

    def on_train_end(self, logs=None):
        self.duree = time.perf_counter() - self.debut


class BarreTexte(text_tqdm):
    """La barre de tqdm en texte, ses unités en français (``TqdmCallback`` les écrit en anglais :
    ``epoch``, ``batch``)."""

    UNITES = {"epoch": "époque", "batch": "lot"}

    def __init__(self, *args, unit="it", **kwargs):
        super().__init__(*args, unit=self.UNITES.get(unit, unit), **kwargs)


class Suivi:
    """Les rappels d'un entraînement (limite de temps, barre) et son bilan en une ligne.

    ``tailles`` : les ``budget.Tailles`` du notebook ; ``epoques`` (par défaut ``tailles.epoques``)
    et ``part`` (de la limite ``tailles.secondes``, 1 par défaut) pour un entraînement plus court que
    les autres ; ``nom`` : ce qui est entraîné, pour la barre et le bilan."""

    def __init__(self, tailles, nom="entraînement", epoques=None, part=1.0):
        self.nom = nom
        self.epoques = tailles.epoques if epoques is None else epoques
        self.limite = LimiteDeTemps(None if tailles.secondes is None else part * tailles.secondes)

    def rappels(self, barre=True):
        """``[limite de temps, barre]`` pour ``fit(callbacks=...)`` ; ``barre=False`` : la limite seule."""
        if not barre:
            return [self.limite]
        # Une barre par époque, avec le temps restant estimé ; en texte sur la sortie standard
        # (jamais sur stderr, que la correction renvoie ailleurs), rafraîchie au plus toutes les 2 s.
        bar = TqdmCallback(epochs=self.epoques, verbose=0, tqdm_class=BarreTexte, file=sys.stdout,
                           desc=self.nom, mininterval=2, ascii=True)
        return [self.limite, bar]

    def bilan(self):
        """Affiche (et renvoie) une ligne : époques faites sur combien, durée, et si la limite de
        temps a arrêté l'entraînement avant la fin (ce que les figures qui suivent montrent alors)."""
        limite = self.limite
        ligne = (f"{self.nom} : {limite.epoques_finies} époque(s) complète(s) sur {self.epoques}, "
                 f"{limite.lots} lots, en {limite.duree:.0f} s")
        if limite.arrete:
            ligne += (f" — arrêté par la limite de temps ({limite.secondes:.0f} s) avant ses "
                      f"{self.epoques} époques : le modèle a moins appris que prévu, les figures et "
                      "les mesures qui suivent le montrent")
        print(ligne + ".")
        return ligne


class PointDeDepart:
    """Le point de départ d'un modèle compilé : ses poids et l'état de son optimiseur (compteur de
    pas, moyennes d'Adam, taux d'apprentissage) avant tout entraînement.

    Pour entraîner plusieurs petits modèles de même architecture l'un après l'autre (un par classe
    tenue à l'écart, par exemple), on garde **un seul** modèle et on le remet à ce point avant
    chaque entraînement : Keras ne trace son pas d'entraînement qu'une fois, alors qu'un modèle
    neuf le trace à nouveau, ce qui peut coûter plus que quelques secondes d'entraînement. Usage ::

        depart = entrainement.PointDeDepart(modele)  # modele compilé, pas encore entraîné
        for x in jeux:
            depart.restaurer()
            modele.fit(x, x, ...)
    """

    def __init__(self, modele):
        if getattr(modele, "optimizer", None) is None:
            raise ValueError("Le modèle doit être compilé (modele.compile) avant de noter son point de départ.")
        if not modele.optimizer.built:
            modele.optimizer.build(modele.trainable_variables)
        self.modele = modele
        self.poids = [keras.ops.convert_to_numpy(v) for v in modele.variables]
        self.optimiseur = [keras.ops.convert_to_numpy(v) for v in modele.optimizer.variables]

    def restaurer(self):
        """Remet les poids du modèle et l'état de son optimiseur à leur valeur notée."""
        for variable, valeur in zip(self.modele.variables, self.poids):
            variable.assign(valeur)
        for variable, valeur in zip(self.modele.optimizer.variables, self.optimiseur):
            variable.assign(valeur)
