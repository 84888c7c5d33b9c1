"""course.vae : la couche d'échantillonnage, le VAE à pertes passées en argument (ordinaire ou
conditionnel) et termes_elbo, sur de vrais petits modèles Keras entraînés pour de vrai. Le tirage,
la KL et la reconstruction sont écrits ici, indépendamment du notebook ; les valeurs attendues sont
recalculées en NumPy (float64) à partir des poids des modèles."""

import keras
import numpy as np
import pytest

from course import vae

LATENT = 2


# --- les fonctions « de l'étudiant », écrites ici ----------------------------------------------

def make_sampling(seed=0):
    """Une reparamétrisation z = μ + exp(½ log σ²)·ε, ε tiré à chaque appel d'un SeedGenerator."""
    generateur = keras.random.SeedGenerator(seed)

    def echantillonnage(z_mean, z_log_var):
        epsilon = keras.random.normal(keras.ops.shape(z_mean), seed=generateur)
        return z_mean + keras.ops.exp(0.5 * z_log_var) * epsilon

    return echantillonnage


def perte_reconstruction(x, x_reconstruit):
    """Entropie croisée binaire sommée sur les pixels : (batch,)."""
    x_reconstruit = keras.ops.clip(x_reconstruit, 1e-7, 1 - 1e-7)
    bce = -(x * keras.ops.log(x_reconstruit) + (1 - x) * keras.ops.log(1 - x_reconstruit))
    return keras.ops.sum(bce, axis=(1, 2, 3))


def divergence_kl(z_mean, z_log_var):
    """KL(N(μ, σ²) ‖ N(0, 1)) analytique, sommée sur le latent : (batch,)."""
    return -0.5 * keras.ops.sum(1 + z_log_var - z_mean**2 - keras.ops.exp(z_log_var), axis=1)


def bce_numpy(x, x_reconstruit):
    x, p = np.asarray(x, np.float64), np.clip(np.asarray(x_reconstruit, np.float64), 1e-7, 1 - 1e-7)
    return -(x * np.log(p) + (1 - x) * np.log(1 - p)).reshape(len(x), -1).sum(axis=1)


def kl_numpy(z_mean, z_log_var):
    m, v = np.asarray(z_mean, np.float64), np.asarray(z_log_var, np.float64)
    return -0.5 * (1 + v - m**2 - np.exp(v)).sum(axis=1)


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


# --- petits modèles ----------------------------------------------------------------------------

def make_encoder(echantillonnage, conditional=False, log_var_bias=0.0, log_var_scale=0.1):
    """Flatten (et étiquette concaténée) -> Dense z_mean, Dense z_log_var -> Echantillonnage.
    Un ``log_var_bias`` très négatif rend le tirage négligeable (z ≈ z_mean)."""
    Echantillonnage = vae.couche_echantillonnage(echantillonnage)
    x = keras.Input((28, 28, 1))
    entrees = [x, keras.Input((10,))] if conditional else x
    h = keras.layers.Flatten()(x)
    if conditional:
        h = keras.layers.Concatenate()([h, entrees[1]])
    z_mean = keras.layers.Dense(LATENT, name="z_mean")(h)
    z_log_var = keras.layers.Dense(
        LATENT, name="z_log_var",
        kernel_initializer=keras.initializers.RandomNormal(stddev=log_var_scale / 28),
        bias_initializer=keras.initializers.Constant(log_var_bias))(h)
    return keras.Model(entrees, [z_mean, z_log_var, Echantillonnage()([z_mean, z_log_var])])


def make_decoder(conditional=False):
    """z (et étiquette concaténée) -> Dense(784, sigmoïde) -> (28, 28, 1)."""
    z = keras.Input((LATENT,))
    entrees = [z, keras.Input((10,))] if conditional else z
    h = keras.layers.Concatenate()(entrees) if conditional else z
    sortie = keras.layers.Dense(784, activation="sigmoid",
                                kernel_initializer=keras.initializers.RandomNormal(stddev=1.0))(h)
    return keras.Model(entrees, keras.layers.Reshape((28, 28, 1))(sortie))


def make_vae(conditional=False, beta=1.0, log_var_bias=0.0, seed=0):
    keras.utils.set_random_seed(seed)
    return vae.VAE(make_encoder(make_sampling(seed), conditional, log_var_bias), make_decoder(conditional),
                   perte_reconstruction, divergence_kl, beta=beta)


def structured_images(n, seed=0):
    """n images binaires structurées : quatre prototypes (bandes, carré) au bruit près, et leur
    classe (0 à 3) ; float32 (n, 28, 28, 1)."""
    rng = np.random.default_rng(seed)
    prototypes = np.zeros((4, 28, 28), np.float32)
    prototypes[0, :, 10:18] = 1
    prototypes[1, 10:18, :] = 1
    prototypes[2, 6:22, 6:22] = 1
    prototypes[3] = np.eye(28)
    classes = rng.integers(0, 4, n)
    bruit = rng.random((n, 28, 28)) < 0.05
    return np.abs(prototypes[classes] - bruit).astype(np.float32)[..., None], classes


def numpy_encoder_head(encodeur, x, y=None):
    """(z_mean, z_log_var) recalculés en NumPy float64 à partir des poids des couches Dense."""
    h = np.asarray(x, np.float64).reshape(len(x), -1)
    if y is not None:
        h = np.concatenate([h, np.asarray(y, np.float64)], axis=1)
    tetes = []
    for nom in ("z_mean", "z_log_var"):
        noyau, biais = (np.asarray(p, np.float64) for p in encodeur.get_layer(nom).get_weights())
        tetes.append(h @ noyau + biais)
    return tetes


def numpy_decoder(decodeur, z, y=None):
    h = np.asarray(z, np.float64)
    if y is not None:
        h = np.concatenate([h, np.asarray(y, np.float64)], axis=1)
    dense = next(c for c in decodeur.layers if isinstance(c, keras.layers.Dense))
    noyau, biais = (np.asarray(p, np.float64) for p in dense.get_weights())
    return sigmoid(h @ noyau + biais).reshape(len(h), 28, 28, 1)


# --- la couche d'échantillonnage ---------------------------------------------------------------

def test_sampling_layer_calls_the_given_function():
    z_mean = np.arange(6, dtype="float32").reshape(3, 2)
    z_log_var = np.full((3, 2), -1.0, "float32")
    decalage = vae.couche_echantillonnage(lambda m, v: m + 100.0)()
    np.testing.assert_allclose(decalage([z_mean, z_log_var]), z_mean + 100.0)
    variance = vae.couche_echantillonnage(lambda m, v: v * 2.0)()  # le second argument est z_log_var
    np.testing.assert_allclose(variance([z_mean, z_log_var]), -2.0)


def test_sampling_layer_draws_again_at_each_call():
    keras.utils.set_random_seed(0)
    couche = vae.couche_echantillonnage(make_sampling(3))()
    z_mean = np.full((2000, LATENT), 1.5, "float32")
    z1 = np.asarray(couche([z_mean, np.full_like(z_mean, np.log(4.0))]))  # σ = 2
    z2 = np.asarray(couche([z_mean, np.full_like(z_mean, np.log(4.0))]))
    assert z1.shape == (2000, LATENT) and not np.allclose(z1, z2)
    assert abs(z1.mean() - 1.5) < 0.15 and abs(z1.std() - 2.0) < 0.15
    presque_certain = np.asarray(couche([z_mean, np.full_like(z_mean, -30.0)]))
    np.testing.assert_allclose(presque_certain, 1.5, atol=1e-5)


# --- VAE ordinaire -----------------------------------------------------------------------------

def test_per_image_losses_match_an_independent_numpy_computation():
    modele = make_vae(log_var_bias=-30.0)  # σ ≈ e⁻¹⁵ : z ≈ z_mean
    x, _ = structured_images(6, seed=1)
    reconstruction, kl = modele.pertes_par_image(x)
    assert tuple(reconstruction.shape) == (6,) and tuple(kl.shape) == (6,)
    z_mean, z_log_var = numpy_encoder_head(modele.encodeur, x)
    assert np.ptp(z_log_var) > 0.01  # une KL qui change d'une image à l'autre
    np.testing.assert_allclose(kl, kl_numpy(z_mean, z_log_var), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(reconstruction, bce_numpy(x, numpy_decoder(modele.decodeur, z_mean)),
                               rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(modele(x), numpy_decoder(modele.decodeur, z_mean), atol=1e-4)
    assert tuple(modele.encoder(x.astype(np.float64))[2].shape) == (6, LATENT)  # NumPy float64 accepté


def test_kl_term_uses_the_encoder_moments_not_the_draw():
    modele = make_vae(log_var_bias=0.0)  # σ ≈ 1 : z s'éloigne vraiment de z_mean
    x, _ = structured_images(6, seed=7)
    reconstruction1, kl1 = modele.pertes_par_image(x)
    reconstruction2, kl2 = modele.pertes_par_image(x)
    np.testing.assert_allclose(kl1, kl_numpy(*numpy_encoder_head(modele.encodeur, x)), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(kl1, kl2)  # la KL analytique ne dépend pas du tirage…
    assert np.abs(np.asarray(reconstruction1) - np.asarray(reconstruction2)).max() > 1e-2  # …la reconstruction si


def test_fit_lowers_the_loss_and_reports_three_metrics():
    modele = make_vae()
    x, _ = structured_images(256)
    modele.compile(optimizer=keras.optimizers.Adam(0.01))
    historique = modele.fit(x, epochs=5, batch_size=32, verbose=0).history
    assert set(historique) == {"perte", "reconstruction", "kl"}
    assert historique["perte"][-1] < 0.85 * historique["perte"][0]  # 706 -> 526 à la graine 0
    assert all(np.isfinite(historique["kl"])) and historique["kl"][-1] > 0


def test_beta_weights_the_kl_in_the_loss():
    x, _ = structured_images(64, seed=2)
    for beta in (0.0, 3.0):
        modele = make_vae(beta=beta, log_var_bias=-3.0)
        modele.compile(optimizer="adam")
        mesures = modele.evaluate(x, batch_size=32, verbose=0, return_dict=True)
        assert mesures["kl"] > 1.0  # assez grande pour que β se voie
        assert mesures["perte"] == pytest.approx(mesures["reconstruction"] + beta * mesures["kl"], rel=1e-5)


# --- VAE conditionnel --------------------------------------------------------------------------

def test_conditional_vae_trains_and_its_decoder_depends_on_the_label():
    modele = make_vae(conditional=True)
    x, classes = structured_images(128, seed=3)
    y = keras.utils.to_categorical(classes, 10)
    modele.compile(optimizer=keras.optimizers.Adam(0.01))
    historique = modele.fit(x, y, epochs=2, batch_size=32, verbose=0).history
    assert set(historique) == {"perte", "reconstruction", "kl"} and np.all(np.isfinite(historique["perte"]))
    z = np.zeros((4, LATENT))
    etiquettes = np.eye(10)[[0, 1, 2, 3]]  # float64, tel que NumPy le donne
    images = np.asarray(modele.decoder(z, etiquettes))
    assert images.shape == (4, 28, 28, 1)
    assert np.abs(images - np.asarray(modele.decoder(z, np.roll(etiquettes, 1, axis=1)))).max() > 1e-3
    z_mean, z_log_var, z = modele.encoder(x[:4].astype(np.float64), etiquettes)
    assert tuple(z.shape) == (4, LATENT)
    assert np.abs(np.asarray(modele.encoder(x[:4], np.roll(etiquettes, 1, axis=1))[0]) - z_mean).max() > 1e-4
    assert modele((x[:4], etiquettes)).shape == (4, 28, 28, 1)


def test_conditional_per_image_losses_use_the_labels():
    modele = make_vae(conditional=True, log_var_bias=-30.0)
    x, classes = structured_images(5, seed=4)
    y = np.eye(10)[classes]
    reconstruction, kl = modele.pertes_par_image(x, y)
    z_mean, z_log_var = numpy_encoder_head(modele.encodeur, x, y)
    np.testing.assert_allclose(kl, kl_numpy(z_mean, z_log_var), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(reconstruction, bce_numpy(x, numpy_decoder(modele.decodeur, z_mean, y)),
                               rtol=1e-5, atol=1e-4)


# --- termes_elbo -------------------------------------------------------------------------------

def test_elbo_terms_by_batches_keep_order_shape_and_dtype():
    modele = make_vae(log_var_bias=-30.0)
    x, _ = structured_images(25, seed=5)
    reconstruction, kl = vae.termes_elbo(modele, x, taille_lot=10)
    assert reconstruction.shape == kl.shape == (25,)
    assert reconstruction.dtype == kl.dtype == np.float64
    attendu_reconstruction, attendu_kl = modele.pertes_par_image(x)  # un seul lot
    np.testing.assert_allclose(reconstruction, attendu_reconstruction, rtol=1e-5)
    np.testing.assert_allclose(kl, attendu_kl, rtol=1e-5)
    vide = vae.termes_elbo(modele, x[:0], taille_lot=10)
    assert [v.shape for v in vide] == [(0,), (0,)] and all(v.dtype == np.float64 for v in vide)


def test_conditional_elbo_terms_slice_labels_with_images():
    modele = make_vae(conditional=True, log_var_bias=-30.0)
    x, classes = structured_images(25, seed=6)
    y = np.eye(10)[classes]
    reconstruction, kl = vae.termes_elbo(modele, x, y, taille_lot=10)
    assert reconstruction.shape == kl.shape == (25,) and reconstruction.dtype == np.float64
    attendu_reconstruction, attendu_kl = modele.pertes_par_image(x, y)
    np.testing.assert_allclose(reconstruction, attendu_reconstruction, rtol=1e-5)
    np.testing.assert_allclose(kl, attendu_kl, rtol=1e-5)
    vide = vae.termes_elbo(modele, x[:0], y[:0], taille_lot=10)
    assert [v.shape for v in vide] == [(0,), (0,)]
