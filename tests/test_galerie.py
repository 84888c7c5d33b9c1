"""Suivi de l'entraînement d'un GAN : la galerie d'un lot fixe et les pertes pas à pas."""

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from course import galerie  # noqa: E402


class _Moyennes(keras.Model):
    """Modèle minimal dont la « perte » de chaque pas est la moyenne du lot reçu (connue d'avance),
    suivie par un ``keras.metrics.Mean`` comme dans le GAN du notebook ; un poids apprend."""

    def __init__(self):
        super().__init__()
        self.poids = self.add_weight(shape=(), initializer="zeros")
        self.suivi = keras.metrics.Mean(name="perte_d")
        self.suivi_g = keras.metrics.Mean(name="perte_g")

    @property
    def metrics(self):
        return [self.suivi, self.suivi_g]

    def call(self, z, training=False):
        return keras.ops.tanh(keras.ops.reshape(keras.ops.mean(z, axis=1), (-1, 1, 1, 1)) + self.poids
                              + keras.ops.zeros((1, 28, 28, 1)))

    def train_step(self, lot):
        self.poids.assign_add(1.0)
        self.suivi.update_state(keras.ops.mean(lot))
        self.suivi_g.update_state(-2.0 * keras.ops.mean(lot))
        return {m.name: m.result() for m in self.metrics}


def test_vers_01_maps_tanh_range_to_unit_interval():
    images = np.array([-1.0, 0.0, 1.0, 1.5], np.float32).reshape(1, 2, 2, 1)
    np.testing.assert_allclose(galerie.vers_01(images).ravel(), [0.0, 0.5, 1.0, 1.0])
    assert galerie.vers_01(tf.constant(images)).dtype == np.float32


def test_galerie_photographs_the_fixed_batch_before_training_and_after_each_epoch():
    modele = _Moyennes()
    modele.compile(optimizer="sgd")
    z = np.linspace(-0.5, 0.5, 12, dtype=np.float32).reshape(3, 4)
    suivi = galerie.Galerie(modele, z)
    modele.fit(np.zeros((8, 1), np.float32), batch_size=4, epochs=3, shuffle=False, verbose=0, callbacks=[suivi])
    assert suivi.epoques == [0, 1, 2, 3]
    assert [np.shape(i) for i in suivi.images] == [(3, 28, 28, 1)] * 4
    # Les mêmes z à chaque photo : seule l'évolution du modèle (ici poids += 1 par pas) change l'image.
    for epoque, images in zip(suivi.epoques, suivi.images):
        attendu = (np.tanh(z.mean(axis=1) + 2 * epoque) + 1) / 2
        np.testing.assert_allclose(images[:, 0, 0, 0], attendu, atol=1e-6)
    figure = suivi.afficher(lignes_max=3)
    assert len(figure.axes) == 3 * 3


def test_suivi_pertes_recovers_each_step_from_the_running_means():
    lots = np.arange(1.0, 13.0, dtype=np.float32).reshape(12, 1) ** 2  # lots de 3 : moyennes connues
    attendu = lots.reshape(4, 3).mean(axis=1)
    modele = _Moyennes()
    modele.compile(optimizer="sgd")
    suivi = galerie.SuiviPertes()
    modele.fit(lots, batch_size=3, epochs=2, shuffle=False, verbose=0, callbacks=[suivi])
    np.testing.assert_allclose(suivi.valeurs["perte_d"], np.tile(attendu, 2), rtol=1e-5)
    np.testing.assert_allclose(suivi.valeurs["perte_g"], -2 * np.tile(attendu, 2), rtol=1e-5)
    figure = suivi.afficher(references={"perte_d": 1.0}, lissage=3, noms={"perte_d": "D"})
    assert [t.get_text() for t in figure.axes[0].get_legend().get_texts()] == ["D", "perte_g"]


def test_suivi_pertes_needs_the_tracked_keys():
    suivi = galerie.SuiviPertes(cles=("absente",))
    suivi.on_epoch_begin(0)
    with pytest.raises(KeyError):
        suivi.on_train_batch_end(0, {"perte_d": 1.0})
