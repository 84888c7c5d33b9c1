"""``course.gans`` : le GAN conditionnel (pas de ``GANAvance`` avec des étiquettes), ses deux réseaux,
les lots.

Le pas ordinaire de ``GANAvance`` est vérifié dans ``tests/test_gan_entrainement.py`` (avec les
pertes du notebook 05). Ici, le même calcul indépendant, étiquettes comprises : cinq pas de
``train_step`` sur deux petits réseaux conditionnels, avec SGD, doivent donner exactement les poids
d'un pas écrit à la main, où G reçoit ``[z, y]`` et D ``[x, y]``, avec ou sans tête de classe sur D
(AC-GAN : D apprend la classe des vraies images, G est poussé vers la classe demandée) ; des étiquettes
oubliées (ou mélangées) dans l'un des deux réseaux, ou une tête de classe mal branchée, donnent
d'autres poids, et le test le vérifie aussi.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from course import gans

LATENT, LOT, TAUX, GAMMA, POIDS_CLASSE = 3, 6, 0.05, 1.0, 0.7


def bce(etiquette, logits):
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(tf.fill(tf.shape(logits), etiquette), logits))


def perte_d(logits_reels, logits_faux):
    return bce(1.0, logits_reels) + bce(0.0, logits_faux)


def perte_g(logits_faux):
    return bce(1.0, logits_faux)


def entropie_croisee(etiquettes, logits_classes):
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(etiquettes, logits_classes))


def petits_reseaux(tete=False):
    """G ``[z (LOT, 3), y (LOT, 10)] -> (LOT, 28, 28, 1)`` et D ``[x, y] -> (LOT, 1)``, denses, poids
    fixés ; ``tete`` : D rend aussi 10 logits de classe, ``[(LOT, 1), (LOT, 10)]``."""
    keras.utils.set_random_seed(7)
    z, y = keras.Input((LATENT,)), keras.Input((10,))
    h = keras.layers.Dense(28 * 28, activation="tanh")(keras.layers.Concatenate()([z, y]))
    generateur = keras.Model([z, y], keras.layers.Reshape((28, 28, 1))(h))
    x, y = keras.Input((28, 28, 1)), keras.Input((10,))
    h = keras.layers.Dense(8, activation="tanh")(keras.layers.Concatenate()([keras.layers.Flatten()(x), y]))
    sorties = [keras.layers.Dense(1)(h), keras.layers.Dense(10)(h)] if tete else keras.layers.Dense(1)(h)
    discriminateur = keras.Model([x, y], sorties)
    return generateur, discriminateur


def pas_a_la_main(generateur, discriminateur, reelles, etiquettes, z, avec_r1, y_g, y_d, tete=False, classes="y"):
    """Un pas de référence, écrit sans ``course.gans`` : ``y_g`` les étiquettes données à G, ``y_d``
    celles données à D (les bonnes, ou d'autres pour les variantes fausses). ``tete`` : D a une tête
    de classe ; ``classes`` : "y" (la référence), "sans" (tête ignorée) ou "d seul" (G n'en reçoit
    rien)."""
    logit = (lambda sortie: sortie[0]) if tete else (lambda sortie: sortie)
    fausses = generateur([z, y_g])
    with tf.GradientTape() as bande:
        with tf.GradientTape() as interieure:
            interieure.watch(reelles)
            sortie_reelles = discriminateur([reelles, y_d])
            logits_reels = logit(sortie_reelles)
        pentes = interieure.gradient(logits_reels, reelles)
        perte = perte_d(logits_reels, logit(discriminateur([fausses, y_d])))
        if avec_r1:
            perte += 4 * GAMMA / 2 * tf.reduce_mean(tf.reduce_sum(pentes ** 2, axis=[1, 2, 3]))
        if tete and classes != "sans":
            perte += POIDS_CLASSE * entropie_croisee(etiquettes, sortie_reelles[1])
    for poids, gradient in zip(discriminateur.trainable_weights, bande.gradient(perte, discriminateur.trainable_weights)):
        if gradient is not None:  # None : la tête de classe, quand la variante l'ignore
            poids.assign_sub(TAUX * gradient)
    with tf.GradientTape() as bande:
        sortie_fausses = discriminateur([generateur([z, y_g]), y_d])
        perte_generateur = perte_g(logit(sortie_fausses))
        if tete and classes == "y":
            perte_generateur += POIDS_CLASSE * entropie_croisee(etiquettes, sortie_fausses[1])
    for poids, gradient in zip(generateur.trainable_weights, bande.gradient(perte_generateur, generateur.trainable_weights)):
        poids.assign_sub(TAUX * gradient)


def poids(*reseaux):
    return [p.numpy().copy() for r in reseaux for p in r.weights]


def reference(images, etiquettes, fausser=None, tete=False):
    """Poids après cinq pas de référence (R1 aux pas 0 et 4 : un pas sur quatre) ; les bruits
    sont ceux que tire ``GANAvance`` (graine 0). ``fausser`` : "g" ou "d", le réseau qui reçoit
    d'autres étiquettes que celles du lot ; "r1", la pénalité un pas sur deux ; "sans" ou "d seul",
    la tête de classe ignorée, ou oubliée dans le pas de G."""
    generateur, discriminateur = petits_reseaux(tete)
    graines = keras.random.SeedGenerator(0)
    for pas, (lot, y) in enumerate(zip(images, etiquettes)):
        r1 = pas % (2 if fausser == "r1" else 4) == 0
        z = keras.random.normal((LOT, LATENT), seed=graines)
        y = tf.constant(y)
        autres = tf.roll(y, shift=1, axis=1)
        pas_a_la_main(generateur, discriminateur, tf.constant(lot), y, z, r1,
                      y_g=autres if fausser == "g" else y, y_d=autres if fausser == "d" else y, tete=tete,
                      classes=fausser if fausser in ("sans", "d seul") else "y")
    return poids(generateur, discriminateur)


@pytest.mark.parametrize("tete", [False, True], ids=["sans tête", "tête de classe"])
@pytest.mark.parametrize("eager", [True, False], ids=["eager", "graphe"])
def test_conditional_train_step_matches_an_independent_computation(eager, tete):
    generateur_aleatoire = np.random.default_rng(0)
    images = generateur_aleatoire.uniform(-1, 1, size=(5, LOT, 28, 28, 1)).astype("float32")
    etiquettes = keras.utils.to_categorical(generateur_aleatoire.integers(0, 10, size=(5, LOT)), 10)
    generateur, discriminateur = petits_reseaux(tete)
    modele = gans.GANAvance(generateur, discriminateur, LATENT, perte_d, perte_g, gamma_r1=GAMMA,
                            poids_classe=POIDS_CLASSE)
    modele.compile(optimiseur_d=keras.optimizers.SGD(TAUX), optimiseur_g=keras.optimizers.SGD(TAUX), run_eagerly=eager)
    lots = tf.data.Dataset.from_tensor_slices((images, etiquettes))
    modele.fit(lots, epochs=1, shuffle=False, verbose=0)
    attendus = reference(images, etiquettes, tete=tete)
    for obtenu, attendu in zip(poids(generateur, discriminateur), attendus):
        np.testing.assert_allclose(obtenu, attendu, rtol=1e-4, atol=1e-6)
    # Le test distingue bien : d'autres étiquettes données à G, ou à D, ou R1 un pas sur deux (aux
    # pas 0, 2 et 4), donnent d'autres poids ; avec une tête, aussi la tête ignorée, ou oubliée dans
    # le pas de G.
    for fausser in ("g", "d", "r1", *(("sans", "d seul") if tete else ())):
        variante = reference(images, etiquettes, fausser, tete)
        assert max(np.abs(a - b).max() for a, b in zip(variante, attendus)) > 1e-4, fausser


def test_conditional_networks_have_the_documented_shapes_and_use_the_label():
    keras.utils.set_random_seed(0)
    generateur = gans.construire_generateur_conditionnel(LATENT)
    discriminateur = gans.construire_discriminateur_conditionnel()
    z = np.random.default_rng(1).normal(size=(4, LATENT)).astype("float32")
    y, autres = keras.utils.to_categorical([0, 1, 2, 3], 10), keras.utils.to_categorical([4, 5, 6, 7], 10)
    images = np.asarray(generateur([z, y]))
    assert images.shape == (4, 28, 28, 1)
    assert images.min() >= -1 and images.max() <= 1 and images.min() < 0  # tanh : les deux signes
    assert np.abs(images - np.asarray(generateur([z, autres]))).max() > 1e-4  # l'étiquette compte
    logits, classes = (np.asarray(sortie) for sortie in discriminateur([images, y]))
    assert logits.shape == (4, 1) and classes.shape == (4, 10)
    logits_autres, classes_autres = (np.asarray(sortie) for sortie in discriminateur([images, autres]))
    assert np.abs(logits - logits_autres).max() > 1e-6  # la projection e_y·φ(x)
    np.testing.assert_array_equal(classes, classes_autres)  # la tête de classe ne lit pas l'étiquette
    assert np.abs(classes - np.asarray(discriminateur([-images, y])[1])).max() > 1e-6  # elle lit l'image


@pytest.mark.parametrize("conditionnel", [False, True], ids=["images", "paires"])
def test_batches_are_shuffled_full_batches(conditionnel):
    x = np.arange(10, dtype="float32").reshape(10, 1, 1, 1) * np.ones((1, 28, 28, 1), "float32")
    y = keras.utils.to_categorical(np.arange(10) % 10, 10)
    lots = list(gans.lots(x, 4, y if conditionnel else None))
    assert len(lots) == 2  # 10 images en lots de 4 : le lot incomplet (2 images) est laissé
    vus = []
    for lot in lots:
        images, etiquettes = lot if conditionnel else (lot, None)
        assert images.shape == (4, 28, 28, 1)
        numeros = images.numpy()[:, 0, 0, 0].astype(int)
        if conditionnel:
            assert np.array_equal(etiquettes.numpy().argmax(axis=1), numeros % 10)  # paires gardées
        vus += numeros.tolist()
    assert len(set(vus)) == 8 and vus != sorted(vus)  # mélangées, sans doublon
