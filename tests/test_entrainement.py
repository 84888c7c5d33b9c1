"""Entraînements bornés par le temps (course/entrainement.py) : la limite arrête vraiment ``fit``,
le bilan le dit, la barre de progression est du texte sur la sortie standard."""

import re
import time

import keras
import numpy as np

from course import budget, entrainement


class Lent(keras.callbacks.Callback):
    """Une machine lente : chaque lot prend au moins ``secondes``."""

    def __init__(self, secondes):
        super().__init__()
        self.secondes = secondes

    def on_train_batch_end(self, batch, logs=None):
        time.sleep(self.secondes)


def tiny_fit(suivi, slow=0.0, epochs=5):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    history = model.fit(x, x[:, :1], epochs=epochs, batch_size=8, verbose=0,
                        callbacks=[Lent(slow), *suivi.rappels()])
    return history


def test_the_time_bound_stops_training_and_the_summary_says_so(capsys):
    tailles = budget.Tailles(mode="complet", n_entrainement=64, n_test=8, epoques=5, taille_lot=8, secondes=0.3)
    suivi = entrainement.Suivi(tailles, "essai")
    tiny_fit(suivi, slow=0.05)
    assert suivi.limite.arrete and suivi.limite.epoques_finies < 5
    # une époque interrompue par la limite ne compte pas : les lots disent où l'arrêt est tombé
    assert suivi.limite.lots < 8 * (suivi.limite.epoques_finies + 1)
    assert suivi.limite.lots >= 8 * suivi.limite.epoques_finies
    # Sans la limite, 40 lots d'au moins 0,05 s (2 s au moins) ; avec elle, l'arrêt tombe au premier
    # lot fini après 0,3 s. Pas de borne haute en secondes : sous la charge de la suite complète, un
    # seul lot (le premier, qui trace le graphe) a pris 5 s.
    assert suivi.limite.lots < 40 and suivi.limite.duree >= 0.3
    line = suivi.bilan()
    assert line.startswith(f"essai : {suivi.limite.epoques_finies} époque(s) complète(s) sur 5")
    assert "arrêté par la limite de temps" in line
    out = capsys.readouterr().out
    # la barre de tqdm, en texte, sur la sortie standard, ses unités en français
    bars = [part for part in re.split(r"[\r\n]", out) if part.startswith("essai:")]
    assert bars and all(re.search(r"\d+/5 \[[^]]*époque", bar) for bar in bars), bars
    assert "epoch" not in out, out


def test_without_a_bound_every_epoch_runs(capsys):
    tailles = budget.tailles("04_vae", "rapide")
    assert tailles.secondes is None  # rapide et correction : seulement les époques
    suivi = entrainement.Suivi(tailles, "essai", epoques=3)
    tiny_fit(suivi, epochs=3)
    assert not suivi.limite.arrete and suivi.limite.epoques_finies == 3 and suivi.limite.lots == 24
    assert "limite" not in suivi.bilan()


def test_complet_bounds_every_training_notebook_and_parts_scale_the_bound():
    for notebook in budget.notebooks_connus():
        tailles = budget.tailles(notebook, "complet")
        assert (tailles.secondes is None) == (tailles.epoques == 0), notebook
    tailles = budget.tailles("05_gan", "complet")
    assert entrainement.Suivi(tailles, part=0.5).limite.secondes == tailles.secondes / 2


def test_a_restored_starting_point_trains_like_a_fresh_model_without_tracing_again():
    """Un modèle remis à son point de départ (poids et optimiseur) puis entraîné sur A finit avec les
    poids d'un modèle neuf entraîné sur A, même après un premier entraînement sur B ; son pas n'est
    tracé qu'une fois. Remettre les poids sans l'optimiseur (moyennes d'Adam, compteur de pas) ne
    suffit pas : le test le vérifie aussi."""
    generateur = np.random.default_rng(0)
    a, b = (generateur.normal(size=(48, 4)).astype("float32") for _ in range(2))

    def modele():
        keras.utils.set_random_seed(0)
        reseau = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)])
        reseau.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
        return reseau

    def entrainer(reseau, x):
        reseau.fit(x, x[:, :1] ** 2, epochs=3, batch_size=8, shuffle=False, verbose=0)
        return [np.array(v) for v in reseau.weights]

    attendus = entrainer(modele(), a)
    partage = modele()
    depart = entrainement.PointDeDepart(partage)
    entrainer(partage, b)
    fonction = partage.train_function
    depart.restaurer()
    for obtenu, attendu in zip(entrainer(partage, a), attendus):
        np.testing.assert_allclose(obtenu, attendu, rtol=1e-5, atol=1e-6)
    assert partage.train_function is fonction  # le pas tracé pour B a resservi

    # Les poids seuls : l'optimiseur garde l'état laissé par A, l'entraînement suivant s'en ressent.
    for variable, valeur in zip(partage.variables, depart.poids):
        variable.assign(valeur)
    ecart = max(np.abs(o - e).max() for o, e in zip(entrainer(partage, a), attendus))
    assert ecart > 1e-3, ecart


def test_a_starting_point_needs_a_compiled_model():
    reseau = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    try:
        entrainement.PointDeDepart(reseau)
    except ValueError as erreur:
        assert "compilé" in str(erreur)
    else:
        raise AssertionError("un modèle non compilé doit être refusé")
