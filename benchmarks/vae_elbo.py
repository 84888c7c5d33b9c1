"""Banc d'essai du VAE de ``04_vae`` : −ELBO sur le jeu de test en fonction du temps d'entraînement.

Entraîne, l'un après l'autre et sur la même machine, le modèle du notebook (ses cellules de
définition et ses solutions, lues dans ``source/04_vae/04_vae.ipynb`` : le code est celui du
notebook, pas une copie) et la recette classique dont part le cours (Conv 32/64 + MaxPooling,
Dense 16, décodeur miroir Conv2DTranspose + UpSampling, lots de 128, Adam, sans XLA), chacun
avec sa façon d'entraîner (le notebook : ``lots_entrainement`` et ``compiler_vae``). Chacun
s'entraîne ``--secondes`` secondes ; toutes les ``--pas`` secondes d'entraînement, le chronomètre
s'arrête et la −ELBO (reconstruction + KL, en nats par image, un tirage de z par image) est mesurée
sur les 10 000 images de test. Usage ::

    python benchmarks/vae_elbo.py                 # 180 s chacun (environ 8 minutes en tout)
    python benchmarks/vae_elbo.py --secondes 30   # essai rapide
"""

import argparse
import os
import pathlib
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # benchmarks/shared.py, même lancé d'ailleurs
import shared  # noqa: E402

from course import donnees  # noqa: E402
from autograder.arguments import FrenchArgumentParser  # noqa: E402 (argparse en français)

NOTEBOOK = shared.source_notebook("04_vae")


def notebook_namespace():
    """Exécute les cellules de définition verrouillées et les solutions du notebook ; renvoie
    l'espace de noms (construire_encodeur, construire_decodeur, Echantillonnage, vae : course.vae...)."""
    return shared.notebook_namespace(NOTEBOOK)


def vae_du_notebook(ns, encodeur, decodeur):
    """Le VAE du notebook : ``course.vae.VAE`` avec les fonctions de perte de ses solutions."""
    return ns["vae"].VAE(encodeur, decodeur, ns["perte_reconstruction"], ns["divergence_kl"])


def classic_models(ns, latent_dim=2):
    """La recette classique, portée en Keras 3 ; renvoie (encodeur, decodeur)."""
    layers = keras.layers
    entree = keras.Input(shape=(28, 28, 1))
    h = layers.Conv2D(32, 3, activation="relu", padding="same")(entree)
    h = layers.MaxPooling2D()(h)
    h = layers.Conv2D(64, 3, activation="relu", padding="same")(h)
    h = layers.MaxPooling2D()(h)
    h = layers.Dense(16, activation="relu")(layers.Flatten()(h))
    z_mean, z_log_var = layers.Dense(latent_dim)(h), layers.Dense(latent_dim)(h)
    encodeur = keras.Model(entree, [z_mean, z_log_var, ns["Echantillonnage"]()([z_mean, z_log_var])])
    z = keras.Input(shape=(latent_dim,))
    h = layers.Reshape((7, 7, 64))(layers.Dense(7 * 7 * 64, activation="relu")(z))
    h = layers.Conv2DTranspose(64, 3, activation="relu", padding="same")(h)
    h = layers.UpSampling2D()(h)
    h = layers.Conv2DTranspose(32, 3, activation="relu", padding="same")(h)
    h = layers.UpSampling2D()(h)
    sortie = layers.Conv2DTranspose(1, 3, activation="sigmoid", padding="same")(h)
    return encodeur, keras.Model(z, sortie)


def moins_elbo(ns, vae, x_test):
    """−ELBO moyenne (nats par image) de ``vae`` sur ``x_test``, par lots de 500."""

    @tf.function
    def lot(x):
        z_mean, z_log_var, z = vae.encodeur(x)
        return ns["perte_reconstruction"](x, vae.decodeur(z)) + ns["divergence_kl"](z_mean, z_log_var)

    return lambda: float(np.mean(np.concatenate([lot(x_test[i:i + 500]).numpy() for i in range(0, len(x_test), 500)])))


def entrainer(nom, ns, construire, x_train, x_test, duree, pas, comme_le_notebook):
    """Entraîne ``duree`` secondes le VAE de ``construire()`` ; renvoie [(secondes, −ELBO)].

    ``comme_le_notebook`` : lots, optimiseur et XLA du notebook (``lots_entrainement``,
    ``compiler_vae`` sur le nombre de pas de son budget complet) ; sinon la recette classique
    (lots de 128, Adam à 10⁻³ constant, sans XLA)."""
    keras.utils.set_random_seed(0)
    encodeur, decodeur = construire()
    print(f"{nom} : {encodeur.count_params() + decodeur.count_params()} paramètres", flush=True)
    vae = vae_du_notebook(ns, encodeur, decodeur)
    if comme_le_notebook:
        lots = ns["lots_entrainement"](x_train)
        ns["compiler_vae"](vae, ns["budget"].tailles("04_vae", "complet").epoques * len(lots))
    else:
        lots = tf.data.Dataset.from_tensor_slices(x_train).shuffle(10_000, seed=0).batch(128)
        vae.compile(optimizer=keras.optimizers.Adam(1e-3))
    chrono = shared.Chronometre(moins_elbo(ns, vae, x_test), duree, pas, decrire=lambda v: f"−ELBO {v:.1f}")
    vae.fit(lots, epochs=10_000, callbacks=[chrono], shuffle=False, verbose=0)
    return chrono.points


def valeur_a(points, t):
    """−ELBO au temps t, par interpolation linéaire entre les mesures."""
    temps, valeurs = zip(*points)
    return float(np.interp(t, temps, valeurs))


def temps_pour_atteindre(points, cible):
    """Premier temps (interpolé) où la −ELBO passe sous ``cible`` ; None si jamais."""
    for (t0, v0), (t1, v1) in zip(points, points[1:]):
        if v1 <= cible:
            return t0 + (t1 - t0) * (v0 - cible) / (v0 - v1) if v0 > cible else t0
    return None


def main():
    parser = FrenchArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--secondes", type=float, default=180.0, help="temps d'entraînement de chaque modèle")
    parser.add_argument("--pas", type=float, default=15.0, help="intervalle entre deux mesures (s)")
    parser.add_argument("--seulement", choices=["notebook", "classique"], help="n'entraîner qu'un modèle")
    args = parser.parse_args()

    (x_train, _), (x_test, _) = donnees.charger_fashion_mnist()
    x_train = x_train[..., None].astype("float32") / 255
    x_test = x_test[..., None].astype("float32") / 255
    ns = notebook_namespace()
    courbes = {}
    if args.seulement != "classique":
        construire = lambda: (ns["construire_encodeur"](2), ns["construire_decodeur"](2))  # noqa: E731
        courbes["notebook"] = entrainer("notebook (dense, XLA)", ns, construire, x_train, x_test,
                                        args.secondes, args.pas, True)
    if args.seulement != "notebook":
        courbes["classique"] = entrainer("recette classique (conv)", ns, lambda: classic_models(ns),
                                         x_train, x_test, args.secondes, args.pas, False)

    print(f"\n−ELBO sur le test (nats par image) selon le temps d'entraînement, {os.cpu_count()} cœurs")
    noms = list(courbes)
    print(f"{'secondes':>8} | " + " | ".join(f"{n:>9}" for n in noms))
    for t in np.arange(0, args.secondes + 1e-9, args.pas):
        print(f"{t:8.0f} | " + " | ".join(f"{valeur_a(courbes[n], t):9.1f}" for n in noms))
    if len(noms) == 2 and args.secondes >= 60:
        cible = valeur_a(courbes["classique"], args.secondes)
        atteint = temps_pour_atteindre(courbes["notebook"], cible)
        for t in (60, args.secondes):
            print(f"après {t:.0f} s : notebook {valeur_a(courbes['notebook'], t):.1f}, "
                  f"classique {valeur_a(courbes['classique'], t):.1f}")
        if atteint is not None:
            print(f"le notebook atteint la −ELBO de la recette classique à {args.secondes:.0f} s ({cible:.1f}) "
                  f"en {atteint:.0f} s : {args.secondes / max(atteint, 1e-9):.1f} fois plus vite")


if __name__ == "__main__":
    main()
