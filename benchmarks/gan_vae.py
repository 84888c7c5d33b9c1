"""Banc d'essai GAN / VAE : qualité des images générées à temps d'entraînement égal.

Entraîne l'un après l'autre, sur la même machine et pendant le même temps :

- ``gan`` : le GAN de ``05_gan`` (ses cellules de définition et ses solutions, lues dans
  ``source/05_gan/05_gan.ipynb`` : le code est celui du notebook, pas une copie) ;
- ``dcgan`` : un DCGAN simple de référence (G : Dense 7·7·64 + BN + LeakyReLU, Conv2DTranspose 32
  + BN + LeakyReLU, Conv2DTranspose 1 tanh ; D : Conv2D 32 et 64 de pas 2 + LeakyReLU, Dense 1 ;
  Adam 2·10⁻⁴, β₁ = 0,5, lots de 128, pertes BCE non saturantes) ;
- ``vae`` : le VAE de ``04_vae`` (lu dans son notebook, entraîné comme le notebook l'entraîne).

Toutes les ``--pas`` secondes d'entraînement, le chronomètre s'arrête et le banc génère
``--n-eval`` images (un lot de bruit fixé par modèle) puis calcule, dans les caractéristiques du
classifieur du cours (``course.qualite``, entraîné une fois puis rechargé depuis son cache) : la
distance de Fréchet aux ``--n-eval`` premières images de test, la divergence KL de l'histogramme
des classes prédites à l'uniforme, et la plus petite part d'une classe. La ligne « réel contre
réel » (images d'entraînement contre images de test) donne le plancher de la distance.

Ce n'est pas un test : les chiffres dépendent de la machine et de sa charge. Usage ::

    python benchmarks/gan_vae.py                          # 3 min par modèle, mesures à 1, 2, 3 min (~11 min)
    python benchmarks/gan_vae.py --secondes 20 --pas 10   # essai rapide
    python benchmarks/gan_vae.py --figures galeries/      # enregistre aussi des grilles d'images
    python benchmarks/gan_vae.py --modeles gan dcgan --graines 1 2   # d'autres graines
"""

import argparse
import os
import pathlib
import re
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from course import donnees, graphiques, qualite  # noqa: E402  (course d'abord : journaux de TF)
from autograder.arguments import FrenchArgumentParser  # noqa: E402 (argparse en français)

import keras  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # benchmarks/shared.py, même lancé d'ailleurs
import shared  # noqa: E402

MODELES = {
    "gan": "GAN du notebook 05_gan",
    "dcgan": "DCGAN simple (référence)",
    "vae": "VAE du notebook 04_vae",
}
LATENT_DCGAN = 100
TAILLE_LOT_DCGAN = 128
TAILLE_GENERATION = 1000


# --- les modèles -------------------------------------------------------------------------------

def plain_dcgan(latent_dim=LATENT_DCGAN):
    """Le DCGAN simple de référence ; renvoie (generateur, discriminateur)."""
    couches = keras.layers
    z = keras.Input(shape=(latent_dim,))
    h = couches.Dense(7 * 7 * 64, use_bias=False)(z)
    h = couches.LeakyReLU(0.2)(couches.BatchNormalization()(h))
    h = couches.Reshape((7, 7, 64))(h)  # 7 × 7 × 64
    h = couches.Conv2DTranspose(32, 5, strides=2, padding="same", use_bias=False)(h)  # 14 × 14 × 32
    h = couches.LeakyReLU(0.2)(couches.BatchNormalization()(h))
    sortie = couches.Conv2DTranspose(1, 5, strides=2, padding="same", activation="tanh")(h)  # 28 × 28 × 1
    generateur = keras.Model(z, sortie, name="generateur_dcgan")
    image = keras.Input(shape=(28, 28, 1))
    h = couches.LeakyReLU(0.2)(couches.Conv2D(32, 5, strides=2, padding="same")(image))  # 14 × 14 × 32
    h = couches.LeakyReLU(0.2)(couches.Conv2D(64, 5, strides=2, padding="same")(h))  # 7 × 7 × 64
    logits = couches.Dense(1)(couches.Flatten()(h))
    return generateur, keras.Model(image, logits, name="discriminateur_dcgan")


def bce_logits(etiquette, logits):
    """Entropie croisée binaire moyenne, à partir de logits, contre une étiquette constante."""
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(tf.fill(tf.shape(logits), etiquette), logits))


class PlainDCGAN(keras.Model):
    """Entraînement alterné classique : un pas du discriminateur, puis un pas du générateur
    (perte non saturante), chacun avec son optimiseur ; le discriminateur ne bouge pas pendant
    le pas du générateur (seuls les poids du générateur reçoivent les gradients)."""

    def __init__(self, generateur, discriminateur, **kwargs):
        super().__init__(**kwargs)
        self.generateur, self.discriminateur = generateur, discriminateur
        self.latent_dim = generateur.input_shape[-1]
        self.graines = keras.random.SeedGenerator(0)
        self.suivi_d = keras.metrics.Mean(name="perte_d")
        self.suivi_g = keras.metrics.Mean(name="perte_g")

    def compile(self, optimiseur_d, optimiseur_g):
        super().compile()
        self.optimiseur_d, self.optimiseur_g = optimiseur_d, optimiseur_g

    @property
    def metrics(self):
        return [self.suivi_d, self.suivi_g]

    def train_step(self, reelles):
        n = tf.shape(reelles)[0]
        z = keras.random.normal((n, self.latent_dim), seed=self.graines)
        with tf.GradientTape() as bande:
            fausses = self.generateur(z, training=True)
            perte_d = (bce_logits(1.0, self.discriminateur(reelles, training=True))
                       + bce_logits(0.0, self.discriminateur(fausses, training=True)))
        poids_d = self.discriminateur.trainable_weights
        self.optimiseur_d.apply(bande.gradient(perte_d, poids_d), poids_d)
        z = keras.random.normal((n, self.latent_dim), seed=self.graines)
        with tf.GradientTape() as bande:
            perte_g = bce_logits(1.0, self.discriminateur(self.generateur(z, training=True), training=True))
        poids_g = self.generateur.trainable_weights
        self.optimiseur_g.apply(bande.gradient(perte_g, poids_g), poids_g)
        self.suivi_d.update_state(perte_d)
        self.suivi_g.update_state(perte_g)
        return {suivi.name: suivi.result() for suivi in self.metrics}


def lots(x, taille_lot):
    """x (n, 28, 28, 1) en lots mélangés de ``taille_lot`` images (tf.data, derniers incomplets écartés)."""
    donnees_tf = tf.data.Dataset.from_tensor_slices(x).shuffle(10_000, seed=0)
    return donnees_tf.batch(taille_lot, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def preparer_dcgan(x_01):
    """Le DCGAN de référence, compilé. Comme les deux autres ``preparer_*``, renvoie
    ``(modèle à entraîner par fit, lots d'entraînement, générateur z -> image, vers_01)`` où
    ``vers_01`` ramène les images du générateur dans [0, 1]."""
    generateur, discriminateur = plain_dcgan()
    modele = PlainDCGAN(generateur, discriminateur)
    modele.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5))
    return modele, lots(2 * x_01 - 1, TAILLE_LOT_DCGAN), generateur, lambda images: (images + 1) / 2


def latent_dim_du_notebook(ns, notebook):
    """La dimension latente du GAN du notebook : ``LATENT_DIM`` de ses cellules de définition, ou
    sinon l'affectation ``LATENT_DIM = <entier>`` de sa cellule d'entraînement (non exécutée ici)."""
    if "LATENT_DIM" in ns:
        return int(ns["LATENT_DIM"])
    for cell in nbformat.read(notebook, as_version=4).cells:
        trouve = re.search(r"^LATENT_DIM\s*=\s*(\d+)\s*$", cell.source, re.M) if cell.cell_type == "code" else None
        if trouve:
            return int(trouve[1])
    raise KeyError(f"{notebook} ne fixe pas LATENT_DIM = <entier> : dimension latente du GAN inconnue.")


def preparer_gan_notebook(x_01, notebook=None):
    """Le GAN du notebook 05_gan (``GAN``, ``construire_generateur``, ``construire_discriminateur``,
    ``compiler_gan``, ``lots_entrainement``), construit et compilé comme le notebook le fait."""
    notebook = notebook or shared.source_notebook("05_gan")
    ns = shared.notebook_namespace(notebook)
    noms = ("GAN", "construire_generateur", "construire_discriminateur", "compiler_gan", "lots_entrainement")
    manquants = [nom for nom in noms if nom not in ns]
    if manquants:
        raise KeyError(f"{notebook.name} ne définit pas {', '.join(manquants)} dans ses cellules de définition.")
    latent_dim = latent_dim_du_notebook(ns, notebook)
    generateur = ns["construire_generateur"](latent_dim)
    modele = ns["GAN"](generateur, ns["construire_discriminateur"](), latent_dim)
    ns["compiler_gan"](modele)
    return modele, ns["lots_entrainement"](2 * x_01 - 1), generateur, lambda images: (images + 1) / 2


def preparer_vae(x_01):
    """Le VAE de 04_vae (dimension latente 2), compilé comme le notebook (calendrier du taux
    d'apprentissage de son budget complet, comme benchmarks/vae_elbo.py)."""
    ns = shared.notebook_namespace(shared.source_notebook("04_vae"))
    vae = ns["vae"].VAE(ns["construire_encodeur"](2), ns["construire_decodeur"](2), ns["perte_reconstruction"],
                        ns["divergence_kl"])
    lots_vae = ns["lots_entrainement"](x_01)
    ns["compiler_vae"](vae, ns["budget"].tailles("04_vae", "complet").epoques * len(lots_vae))
    return vae, lots_vae, vae.decodeur, lambda images: images


# --- la mesure ---------------------------------------------------------------------------------

class Juge:
    """Le classifieur du cours et les caractéristiques des vraies images de test."""

    def __init__(self, classifieur, x_test_01):
        self.classifieur = classifieur
        self.caract_test = classifieur.caracteristiques(x_test_01)

    def mesurer(self, images_01):
        """Distance de Fréchet aux images de test, KL à l'uniforme et plus petite part des classes."""
        proportions = qualite.proportions_classes(self.classifieur.classes(images_01))
        return {
            "frechet": qualite.distance_frechet(self.caract_test, self.classifieur.caracteristiques(images_01)),
            "kl": qualite.kl_uniforme(proportions),
            "min": float(proportions.min()),
        }


def decrire(mesure):
    return (f"Fréchet {mesure['frechet']:.2f}, KL à l'uniforme {mesure['kl']:.3f}, "
            f"plus petite classe {mesure['min']:.1%}")


def entrainer(cle, preparer, juge, n_eval, duree, pas, figures=None, graine=0):
    """Entraîne ``duree`` secondes le modèle de ``preparer()`` ; renvoie (points, nombre de pas)."""
    keras.utils.set_random_seed(graine)
    modele, lots_entrainement, generateur, vers_01 = preparer()
    latent_dim = generateur.input_shape[-1]
    z = np.random.default_rng(graine).standard_normal((n_eval, latent_dim)).astype("float32")
    print(f"{MODELES[cle]} : latent {latent_dim}, générateur (ou décodeur) de {generateur.count_params()} "
          "paramètres", flush=True)

    def mesurer():  # appelée par le chronomètre (initial=False : jamais avant sa création)
        images = np.clip(vers_01(generateur.predict(z, batch_size=TAILLE_GENERATION, verbose=0)), 0, 1)
        if figures is not None:
            enregistrer_grille(images[:100], figures / f"{cle}-graine{graine}-{chrono.ecoule:03.0f}s.png",
                               f"{MODELES[cle]}, {chrono.ecoule:.0f} s d'entraînement")
        return juge.mesurer(images)

    chrono = shared.Chronometre(mesurer, duree, pas, decrire=decrire, initial=False)
    modele.fit(lots_entrainement, epochs=1_000_000, callbacks=[chrono], shuffle=False, verbose=0)
    return chrono.points, chrono.n_pas


def enregistrer_grille(images, chemin, titre):
    """Enregistre une grille de 10 colonnes des ``images`` (dans [0, 1]) dans ``chemin`` (PNG)."""
    import matplotlib.pyplot as plt

    figure = graphiques.afficher_images(images, n_colonnes=10, taille=0.8)
    figure.suptitle(titre, fontsize=9)
    figure.tight_layout()
    figure.savefig(chemin, dpi=80)
    plt.close(figure)


def checkpoints(duree, pas):
    """Instants nominaux des mesures : pas, 2·pas… jusqu'à la durée, et la durée."""
    instants = [float(t) for t in np.arange(pas, duree + 1e-9, pas)]
    return instants if instants and abs(instants[-1] - duree) < 1e-6 else instants + [float(duree)]


def au_checkpoint(points, instant):
    """La première mesure prise à ``instant`` ou après (le chronomètre s'arrête au premier pas qui
    le franchit) ; None si l'entraînement n'y est jamais arrivé."""
    return next((mesure for temps, mesure in points if temps >= instant - 1e-9), None)


def francais(valeur, chiffres):
    return f"{valeur:.{chiffres}f}".replace(".", ",")


def tableau(resultats, reel, instants, exactitude, n_eval):
    """Le tableau Markdown des résultats (virgule décimale)."""
    fin = instants[-1]
    lignes = [
        f"Distance de Fréchet aux {n_eval} images de test ({n_eval} images générées ; caractéristiques "
        f"du classifieur du cours, exactitude {francais(100 * exactitude, 1)} %), {os.cpu_count()} cœurs",
        "",
        "| modèle | " + " | ".join(f"{francais(t, 0)} s" for t in instants)
        + f" | KL à l'uniforme ({francais(fin, 0)} s) | plus petite classe ({francais(fin, 0)} s) | pas d'entraînement |",
        "|---" * (len(instants) + 4) + "|",
    ]
    for cle, (points, n_pas) in resultats.items():
        mesures = [au_checkpoint(points, t) for t in instants]
        derniere = mesures[-1] or (points[-1][1] if points else None)
        cellules = ["—" if m is None else francais(m["frechet"], 1) for m in mesures]
        fin_kl = "—" if derniere is None else francais(derniere["kl"], 3)
        fin_min = "—" if derniere is None else francais(100 * derniere["min"], 1) + " %"
        lignes.append(f"| {MODELES[cle]} | " + " | ".join(cellules) + f" | {fin_kl} | {fin_min} | {n_pas} |")
    lignes.append("| réel contre réel (entraînement / test) | " + " | ".join([francais(reel["frechet"], 2)] * len(instants))
                  + f" | {francais(reel['kl'], 3)} | {francais(100 * reel['min'], 1)} % | — |")
    return "\n".join(lignes)


def verdict(resultats, instant):
    """Les objectifs de l'issue : GAN du notebook ≤ moitié du DCGAN, chaque classe ≥ 5 %."""
    lignes = []
    mesures = {cle: au_checkpoint(points, instant) for cle, (points, _) in resultats.items()}
    if mesures.get("gan") and mesures.get("dcgan"):
        rapport = mesures["gan"]["frechet"] / mesures["dcgan"]["frechet"]
        lignes.append(f"À {francais(instant, 0)} s, GAN du notebook / DCGAN simple : {francais(rapport, 2)} "
                      f"(objectif : 0,5 au plus) : {'atteint' if rapport <= 0.5 else 'non atteint'}")
    if mesures.get("gan"):
        part = mesures["gan"]["min"]
        lignes.append(f"Plus petite classe du GAN du notebook : {francais(100 * part, 1)} % (objectif : 5 % au moins) : "
                      f"{'atteint' if part >= 0.05 else 'non atteint'}")
    return "\n".join(lignes)


def main(argv=None):
    parser = FrenchArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--secondes", type=float, default=180.0, help="temps d'entraînement de chaque modèle")
    parser.add_argument("--pas", type=float, default=60.0, help="intervalle entre deux mesures (s)")
    parser.add_argument("--modeles", nargs="+", choices=list(MODELES), default=list(MODELES),
                        help="modèles à entraîner (par défaut : les trois)")
    parser.add_argument("--n-eval", type=int, default=10_000,
                        help="images générées et images réelles comparées à chaque mesure")
    parser.add_argument("--n-entrainement", type=int, default=60_000,
                        help="images d'entraînement (modèles et classifieur)")
    parser.add_argument("--epoques-classifieur", type=int, default=4, help="époques du classifieur du cours")
    parser.add_argument("--cache", type=pathlib.Path, help="dossier du classifieur enregistré "
                        "(par défaut ~/.cache/autoencodeurs)")
    parser.add_argument("--figures", type=pathlib.Path, help="dossier où enregistrer des grilles d'images")
    parser.add_argument("--graines", type=int, nargs="+", default=[0], help=(
        "graines (initialisation des poids, bruit d'évaluation) : un tableau par graine, puis le "
        "rapport GAN / DCGAN de chaque graine et leur moyenne"))
    args = parser.parse_args(argv)
    if args.figures is not None:
        import matplotlib

        matplotlib.use("Agg")
        args.figures.mkdir(parents=True, exist_ok=True)

    (x_train, y_train), (x_test, y_test) = donnees.charger_fashion_mnist()
    x_train = x_train[: args.n_entrainement, ..., None].astype("float32") / 255
    y_train = y_train[: args.n_entrainement]
    x_test, y_test = x_test[: args.n_eval, ..., None].astype("float32") / 255, y_test[: args.n_eval]
    classifieur = qualite.Classifieur.charger_ou_entrainer(x_train, y_train, args.epoques_classifieur,
                                                           cache=args.cache)
    exactitude = classifieur.exactitude(x_test, y_test)
    print(f"Classifieur du cours : exactitude {exactitude:.1%} sur {len(x_test)} images de test", flush=True)
    juge = Juge(classifieur, x_test)
    reel = juge.mesurer(x_train[: args.n_eval])
    print(f"réel contre réel : {decrire(reel)}", flush=True)
    if args.figures is not None:
        enregistrer_grille(x_test[:100], args.figures / "reelles.png", "Images réelles (test)")

    preparations = {
        "gan": lambda: preparer_gan_notebook(x_train),
        "dcgan": lambda: preparer_dcgan(x_train),
        "vae": lambda: preparer_vae(x_train),
    }
    instants = checkpoints(args.secondes, args.pas)
    rapports = []
    for graine in args.graines:
        resultats = {}
        for cle in MODELES:
            if cle in args.modeles:
                resultats[cle] = entrainer(cle, preparations[cle], juge, args.n_eval, args.secondes, args.pas,
                                           args.figures, graine)
        print(f"\nGraine {graine}")
        print(tableau(resultats, reel, instants, exactitude, args.n_eval))
        texte = verdict(resultats, instants[-1])
        if texte:
            print("\n" + texte)
        mesures = {cle: au_checkpoint(points, instants[-1]) for cle, (points, _) in resultats.items()}
        if mesures.get("gan") and mesures.get("dcgan"):
            rapports.append(mesures["gan"]["frechet"] / mesures["dcgan"]["frechet"])
    if len(rapports) > 1:
        print(f"\nRapport GAN / DCGAN à {francais(instants[-1], 0)} s par graine : "
              + ", ".join(francais(r, 2) for r in rapports)
              + f" ; moyenne {francais(float(np.mean(rapports)), 2)}")


if __name__ == "__main__":
    main()
