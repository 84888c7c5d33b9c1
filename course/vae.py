"""Le VAE, ordinaire ou conditionnel, des notebooks 04 et 06.

Le notebook ``04_vae`` s'en sert et en affiche le code (``inspect.getsource``) : l'étudiant y lit
le ``train_step`` ; ``06_applications`` en a besoin deux fois (un VAE par classe tenue à l'écart,
un VAE conditionnel). Le module ne contient aucune solution : le tirage, la KL et
la reconstruction sont les fonctions de l'étudiant (recopiées dans 06 depuis 04), passées en
argument. Usage ::

    from course import vae
    Echantillonnage = vae.couche_echantillonnage(echantillonnage)   # la fonction de l'étudiant
    modele = vae.VAE(encodeur, decodeur, perte_reconstruction, divergence_kl)
    modele.compile(optimizer="adam")
    modele.fit(x, epochs=...)                        # VAE ordinaire : des images seules
    modele.fit(tf.data.Dataset... (x, y_onehot))     # VAE conditionnel : des paires (images, étiquettes)

Conditionnel : l'encodeur reçoit ``[x, y]`` et le décodeur ``[z, y]``, ``y`` one-hot ``(batch, 10)``.
"""

import keras
import numpy as np
import tensorflow as tf


def couche_echantillonnage(echantillonnage):
    """Une classe de couche Keras ``Echantillonnage`` : ``[z_mean, z_log_var] -> z`` par la fonction
    ``echantillonnage(z_mean, z_log_var)`` donnée (celle de l'étudiant), à nouveau à chaque appel.
    Formes : ``(batch, d)`` et ``(batch, d)`` -> ``(batch, d)``."""

    class Echantillonnage(keras.layers.Layer):
        """Couche de reparamétrisation : [z_mean, z_log_var] -> z."""

        def call(self, entrees):
            z_mean, z_log_var = entrees
            return echantillonnage(z_mean, z_log_var)

    return Echantillonnage


class VAE(keras.Model):
    """Encodeur (-> ``[z_mean, z_log_var, z]``) puis décodeur ; perte = reconstruction + β·KL,
    moyennées sur le lot, calculées par ``perte_reconstruction(x, x_reconstruit)`` ``(batch,)`` et
    ``divergence_kl(z_mean, z_log_var)`` ``(batch,)``. Suit trois métriques : ``perte``,
    ``reconstruction``, ``kl``.

    Un lot d'images ``(batch, 28, 28, 1)`` entraîne un VAE ordinaire ; un lot ``(images,
    étiquettes one-hot (batch, 10))``, un VAE conditionnel (encodeur sur ``[x, y]``, décodeur sur
    ``[z, y]``)."""

    def __init__(self, encodeur, decodeur, perte_reconstruction, divergence_kl, beta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.encodeur, self.decodeur, self.beta = encodeur, decodeur, beta
        self.perte_reconstruction, self.divergence_kl = perte_reconstruction, divergence_kl
        self.suivi_perte = keras.metrics.Mean(name="perte")
        self.suivi_reconstruction = keras.metrics.Mean(name="reconstruction")
        self.suivi_kl = keras.metrics.Mean(name="kl")

    @property
    def metrics(self):
        return [self.suivi_perte, self.suivi_reconstruction, self.suivi_kl]

    def encoder(self, x, y=None, training=False):
        """``[z_mean, z_log_var, z]``, chacun ``(batch, latent_dim)`` ; ``x`` et ``y`` : tableaux NumPy
        ou tenseurs."""
        x = keras.ops.convert_to_tensor(x, dtype="float32")
        return self.encodeur(x if y is None else [x, keras.ops.convert_to_tensor(y, dtype="float32")],
                             training=training)

    def decoder(self, z, y=None, training=False):
        """Images ``(batch, 28, 28, 1)`` dans [0, 1] ; ``z`` et ``y`` : tableaux NumPy ou tenseurs."""
        z = keras.ops.convert_to_tensor(z, dtype="float32")
        return self.decodeur(z if y is None else [z, keras.ops.convert_to_tensor(y, dtype="float32")],
                             training=training)

    def call(self, donnees, training=False):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(donnees)
        return self.decoder(self.encoder(x, y, training)[2], y, training)

    def pertes_par_image(self, x, y=None, training=False):
        """``(reconstruction, kl)``, chacun ``(batch,)`` : leur somme est la −ELBO de chaque image,
        estimée avec un tirage de z."""
        z_mean, z_log_var, z = self.encoder(x, y, training)
        return self.perte_reconstruction(x, self.decoder(z, y, training)), self.divergence_kl(z_mean, z_log_var)

    def _pertes(self, lot, training):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(lot)
        reconstruction, kl = self.pertes_par_image(x, y, training)
        reconstruction, kl = keras.ops.mean(reconstruction), keras.ops.mean(kl)
        return reconstruction + self.beta * kl, reconstruction, kl

    def _suivre(self, perte, reconstruction, kl):
        for suivi, valeur in zip(self.metrics, (perte, reconstruction, kl)):
            suivi.update_state(valeur)
        return {suivi.name: suivi.result() for suivi in self.metrics}

    def train_step(self, lot):
        with tf.GradientTape() as bande:
            perte, reconstruction, kl = self._pertes(lot, training=True)
        gradients = bande.gradient(perte, self.trainable_weights)
        self.optimizer.apply(gradients, self.trainable_weights)
        return self._suivre(perte, reconstruction, kl)

    def test_step(self, lot):
        return self._suivre(*self._pertes(lot, training=False))


def termes_elbo(modele, x, y=None, taille_lot=1000):
    """Les deux termes de la −ELBO de chaque image, par lots de ``taille_lot`` : ``x`` ``(n, 28, 28,
    1)`` (et ``y`` one-hot ``(n, 10)`` pour un VAE conditionnel) -> ``(reconstruction, kl)``, deux
    tableaux ``(n,)`` float64 ; leur somme est la −ELBO, estimée avec un tirage de z par image
    (celui de la fonction ``echantillonnage`` de l'encodeur)."""
    reconstructions, kls = [], []
    for debut in range(0, len(x), taille_lot):
        fin = debut + taille_lot
        reconstruction, kl = modele.pertes_par_image(x[debut:fin], None if y is None else y[debut:fin])
        reconstructions.append(keras.ops.convert_to_numpy(reconstruction).astype(np.float64))
        kls.append(keras.ops.convert_to_numpy(kl).astype(np.float64))
    if not reconstructions:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(reconstructions), np.concatenate(kls)
