"""Les pas d'entraînement de la classe ``GAN`` de 05_gan (code du notebook source, avec les solutions
de référence) et de ``course.gans.GANAvance`` (avec les pertes de référence du notebook), refaits à
la main.

Avec deux descentes de gradient simples (SGD), deux pas de ``train_step`` doivent donner exactement
les poids d'un calcul indépendant. ``GAN`` (le pas standard, qui appelle ``pas_discriminateur`` puis
``pas_generateur``) : pas de D sur BCE(1, vraies) + BCE(0, fausses), puis pas de G sur G(z), même z,
jugé par le D déjà mis à jour. ``GANAvance`` (section 8) : le pas de D reçoit en plus 4 × la pénalité
R1 (au premier pas seulement : un pas sur quatre), puis pas de G sur les **mêmes** fausses images
jugées par le D **déjà mis à jour**, D inchangé pendant ce pas. Le même calcul sans la pénalité, ou
avec l'ancien D dans le pas de G, doit s'écarter du résultat : le test y est sensible.
"""

import importlib.util

import keras
import numpy as np
import pytest
import tensorflow as tf

from course import gans
from paths import ROOT

spec = importlib.util.spec_from_file_location("shared", ROOT / "benchmarks" / "shared.py")
shared = importlib.util.module_from_spec(spec)
spec.loader.exec_module(shared)

LATENT, LOT, TAUX, GAMMA = 3, 6, 0.05, 1.0


@pytest.fixture(scope="module")
def ns():
    return shared.notebook_namespace(shared.source_notebook("05_gan"))


def petits_reseaux():
    """Un G et un D minuscules (denses) aux poids fixés : G (LOT, 3) -> (LOT, 28, 28, 1), D -> (LOT, 1)."""
    keras.utils.set_random_seed(5)
    generateur = keras.Sequential([keras.Input((LATENT,)), keras.layers.Dense(28 * 28, activation="tanh"),
                                   keras.layers.Reshape((28, 28, 1))])
    discriminateur = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                                       keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)])
    return generateur, discriminateur


def bce(etiquette, logits):
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(tf.fill(tf.shape(logits), etiquette), logits))


def pas_a_la_main(generateur, discriminateur, reelles, z, avec_r1, d_a_jour=True):
    """Un pas de référence, écrit sans le code du notebook ; modifie les poids en place et renvoie
    la perte de D sans la pénalité."""
    fausses = generateur(z)
    with tf.GradientTape() as bande:
        with tf.GradientTape() as interieure:
            interieure.watch(reelles)
            logits_reels = discriminateur(reelles)
        pentes = interieure.gradient(logits_reels, reelles)
        perte = perte_d = bce(1.0, logits_reels) + bce(0.0, discriminateur(fausses))
        if avec_r1:
            perte += 4 * GAMMA / 2 * tf.reduce_mean(tf.reduce_sum(pentes ** 2, axis=[1, 2, 3]))
    ancien_d = [tf.identity(p) for p in discriminateur.trainable_weights]
    for poids, gradient in zip(discriminateur.trainable_weights, bande.gradient(perte, discriminateur.trainable_weights)):
        poids.assign_sub(TAUX * gradient)
    if not d_a_jour:
        nouveau_d = [tf.identity(p) for p in discriminateur.trainable_weights]
        for poids, valeur in zip(discriminateur.trainable_weights, ancien_d):
            poids.assign(valeur)
    with tf.GradientTape() as bande:
        perte_g = bce(1.0, discriminateur(generateur(z)))
    for poids, gradient in zip(generateur.trainable_weights, bande.gradient(perte_g, generateur.trainable_weights)):
        poids.assign_sub(TAUX * gradient)
    if not d_a_jour:
        for poids, valeur in zip(discriminateur.trainable_weights, nouveau_d):
            poids.assign(valeur)
    return float(perte_d)


def poids(*reseaux):
    return [p.numpy().copy() for r in reseaux for p in r.weights]


def reference(reelles, avec_r1=(True, False), d_a_jour=True):
    """Poids après deux pas de référence et moyenne des pertes de D (sans pénalité) ; les bruits
    sont ceux que tire la classe GAN (graine 0)."""
    generateur, discriminateur = petits_reseaux()
    graines = keras.random.SeedGenerator(0)
    pertes = []
    for lot, r1 in zip(reelles, avec_r1):
        z = keras.random.normal((LOT, LATENT), seed=graines)
        pertes.append(pas_a_la_main(generateur, discriminateur, tf.constant(lot), z, r1, d_a_jour))
    return poids(generateur, discriminateur), np.mean(pertes)


@pytest.mark.parametrize("eager", [True, False], ids=["eager", "graphe"])
def test_standard_train_step_matches_an_independent_computation(ns, eager):
    lots = np.random.default_rng(0).uniform(-1, 1, size=(2, LOT, 28, 28, 1)).astype("float32")
    generateur, discriminateur = petits_reseaux()
    gan = ns["GAN"](generateur, discriminateur, LATENT)
    gan.compile(optimiseur_d=keras.optimizers.SGD(TAUX), optimiseur_g=keras.optimizers.SGD(TAUX), run_eagerly=eager)
    historique = gan.fit(tf.data.Dataset.from_tensor_slices(lots), epochs=1, shuffle=False, verbose=0)
    obtenus = poids(generateur, discriminateur)

    attendus, perte_d = reference(lots, avec_r1=(False, False))
    for obtenu, attendu in zip(obtenus, attendus):
        np.testing.assert_allclose(obtenu, attendu, rtol=1e-4, atol=1e-6)
    # Le test distingue bien : l'ancien D dans le pas de G donne d'autres poids.
    variante, _ = reference(lots, avec_r1=(False, False), d_a_jour=False)
    assert max(np.abs(a - b).max() for a, b in zip(variante, attendus)) > 1e-4  # 8·10⁻⁴ mesuré, tolérance ≈ 10⁻⁵
    assert np.isclose(historique.history["perte_d"][0], perte_d, rtol=1e-5)


@pytest.mark.parametrize("eager", [True, False], ids=["eager", "graphe"])
def test_advanced_train_step_matches_an_independent_computation(ns, eager):
    lots = np.random.default_rng(0).uniform(-1, 1, size=(2, LOT, 28, 28, 1)).astype("float32")
    generateur, discriminateur = petits_reseaux()
    gan = gans.GANAvance(generateur, discriminateur, LATENT, ns["perte_discriminateur"], ns["perte_generateur"],
                         gamma_r1=GAMMA)
    gan.compile(optimiseur_d=keras.optimizers.SGD(TAUX), optimiseur_g=keras.optimizers.SGD(TAUX), run_eagerly=eager)
    historique = gan.fit(tf.data.Dataset.from_tensor_slices(lots), epochs=1, shuffle=False, verbose=0)
    obtenus = poids(generateur, discriminateur)

    attendus, perte_d = reference(lots)
    for obtenu, attendu in zip(obtenus, attendus):
        np.testing.assert_allclose(obtenu, attendu, rtol=1e-4, atol=1e-6)
    # Le test distingue bien : sans R1, R1 à chaque pas, ou l'ancien D dans le pas de G, les poids diffèrent.
    for variante, _ in (reference(lots, avec_r1=(False, False)), reference(lots, avec_r1=(True, True)),
                        reference(lots, d_a_jour=False)):
        assert max(np.abs(a - b).max() for a, b in zip(variante, attendus)) > 1e-3
    # Le suivi perte_d ne compte pas la pénalité : la moyenne des deux BCE de D, à l'arrondi près.
    assert np.isclose(historique.history["perte_d"][0], perte_d, rtol=1e-5)
