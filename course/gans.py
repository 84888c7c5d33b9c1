"""Le GAN « soigné » du notebook 05 (section 8) et son GAN conditionnel (section 9), pour les deux
notebooks qui s'en servent.

``05_gan`` entraîne d'abord un GAN par les deux pas que l'étudiant écrit (``pas_discriminateur``,
``pas_generateur``) ; sa section 8 présente ensuite ``GANAvance`` (Adam β₂ = 0,99, pénalité R1 un pas
sur quatre, un seul passage du générateur par pas) et sa section 9 l'entraîne en GAN conditionnel,
avec une tête de classe sur le discriminateur.
``06_applications`` entraîne les mêmes modèles quand les fichiers sauvegardés par 05 manquent. Ce
module ne contient aucune solution : les deux pertes sont celles de l'étudiant, passées en
argument, et les réseaux du GAN ordinaire sont ses ``construire_generateur`` et
``construire_discriminateur``. Usage ::

    from course import gans
    modele = gans.GANAvance(generateur, discriminateur, 64, perte_discriminateur, perte_generateur)
    gans.compiler_gan(modele, beta_2=0.99)
    modele.fit(gans.lots(x, 128), epochs=...)                 # x (n, 28, 28, 1) dans [-1, 1]
    modele.fit(gans.lots(x, 128, etiquettes_1h), epochs=...)  # conditionnel : y one-hot (n, 10)

Conditionnel : le générateur reçoit ``[z, y]``, le discriminateur ``[images, y]``.
"""

import keras
import tensorflow as tf


class GANDeBase(keras.Model):
    """Ce que partagent le GAN du notebook 05 (son ``train_step`` appelle les pas de l'étudiant) et
    ``GANAvance`` : les deux réseaux, la dimension du bruit, sa source d'aléa (graine 0), deux
    optimiseurs donnés à ``compile(optimiseur_d, optimiseur_g)`` et deux métriques suivies,
    ``perte_d`` et ``perte_g``. Une sous-classe écrit ``train_step``."""

    def __init__(self, generateur, discriminateur, latent_dim, **kwargs):
        super().__init__(**kwargs)
        self.generateur, self.discriminateur, self.latent_dim = generateur, discriminateur, latent_dim
        self.bruit = keras.random.SeedGenerator(0)
        self.suivi_d = keras.metrics.Mean(name="perte_d")
        self.suivi_g = keras.metrics.Mean(name="perte_g")

    @property
    def metrics(self):
        return [self.suivi_d, self.suivi_g]

    def compile(self, optimiseur_d, optimiseur_g, **kwargs):
        super().compile(**kwargs)
        self.optimiseur_d, self.optimiseur_g = optimiseur_d, optimiseur_g


class GANAvance(GANDeBase):
    """GAN entraîné par un pas soigné : Adam β₂ = 0,99 (``compiler_gan(modele, beta_2=0.99)``),
    pénalité R1 un pas sur quatre (multipliée par 4), un seul passage du générateur par pas.

    ``perte_discriminateur(logits_reels, logits_faux)`` et ``perte_generateur(logits_faux)`` (logits
    ``(batch, 1)`` -> scalaire) sont les pertes de l'étudiant. ``gamma_r1`` : poids γ de la
    pénalité R1 (0 pour l'enlever). Un lot d'images ``(batch, 28, 28, 1)`` entraîne un GAN
    ordinaire ; un lot ``(images, étiquettes one-hot (batch, 10))``, un GAN conditionnel. Si D a une
    tête de classe (``[logits (batch, 1), logits de classe (batch, 10)]``, comme
    ``construire_discriminateur_conditionnel``), D apprend aussi la classe des vraies images et G est
    poussé vers des images que cette tête range dans la classe demandée (AC-GAN), chaque entropie
    croisée multipliée par ``poids_classe``. Suit deux métriques : ``perte_d`` (sans la pénalité ni
    la tête de classe) et ``perte_g`` (sans la tête de classe)."""

    def __init__(self, generateur, discriminateur, latent_dim, perte_discriminateur, perte_generateur,
                 gamma_r1=1.0, poids_classe=1.0, **kwargs):
        super().__init__(generateur, discriminateur, latent_dim, **kwargs)
        self.perte_discriminateur, self.perte_generateur = perte_discriminateur, perte_generateur
        self.gamma_r1, self.poids_classe = gamma_r1, poids_classe

    def generer(self, z, etiquettes=None, training=False):
        """Images ``(batch, 28, 28, 1)`` dans [-1, 1] pour des bruits ``z`` ``(batch, latent_dim)``."""
        return self.generateur(z if etiquettes is None else [z, etiquettes], training=training)

    def sorties_d(self, images, etiquettes=None, training=False):
        """``(logits (batch, 1), logits de classe (batch, 10))`` pour un discriminateur à tête de
        classe (le conditionnel de la section 9), ``(logits, None)`` pour les autres."""
        sortie = self.discriminateur(images if etiquettes is None else [images, etiquettes], training=training)
        return (sortie[0], sortie[1]) if isinstance(sortie, (list, tuple)) else (sortie, None)

    def juger(self, images, etiquettes=None, training=False):
        """Logits de D, ``(batch, 1)``."""
        return self.sorties_d(images, etiquettes, training)[0]

    def erreur_classe(self, etiquettes, logits_classes):
        """``poids_classe`` × l'entropie croisée moyenne entre les étiquettes one-hot ``(batch, 10)``
        et la tête de classe de D ``(batch, 10)`` : un scalaire, 0 sans tête de classe."""
        if logits_classes is None:
            return keras.ops.zeros(())
        return self.poids_classe * keras.ops.mean(
            keras.losses.categorical_crossentropy(etiquettes, logits_classes, from_logits=True))

    def penalite_r1(self, reelles, etiquettes=None):
        """γ/2 · moyenne sur le lot de ‖∇ₓ ℓ(x)‖², la pente des logits de D aux vraies images : un scalaire."""
        with tf.GradientTape() as bande:
            bande.watch(reelles)
            logits = self.juger(reelles, etiquettes, training=True)  # (batch, 1)
        pentes = bande.gradient(logits, reelles)  # (batch, 28, 28, 1) : ∂ℓ(x_i)/∂x_i, image par image
        return self.gamma_r1 / 2 * keras.ops.mean(keras.ops.sum(keras.ops.square(pentes), axis=(1, 2, 3)))

    def train_step(self, lot):
        reelles, etiquettes, _ = keras.utils.unpack_x_y_sample_weight(lot)
        z = keras.random.normal((keras.ops.shape(reelles)[0], self.latent_dim), seed=self.bruit)
        with tf.GradientTape() as bande_g:
            fausses = self.generer(z, etiquettes, training=True)  # un seul passage de G par pas
            # 1. Pas du discriminateur : vraies -> 1, fausses -> 0 ; seuls les poids de D bougent
            #    (stop_gradient : ce pas n'a pas besoin du gradient à travers G).
            with tf.GradientTape() as bande_d:
                logits_reels, classes_reelles = self.sorties_d(reelles, etiquettes, training=True)
                perte_d = self.perte_discriminateur(
                    logits_reels, self.juger(keras.ops.stop_gradient(fausses), etiquettes, training=True))
                # Pénalité R1 un pas sur quatre (pas 0, 4, 8… de l'optimiseur de D), multipliée par 4 :
                # en moyenne sur quatre pas, le même poids qu'à chaque pas, pour un quart du calcul
                # (régularisation « paresseuse » ; StyleGAN2 le fait tous les 16 mini-lots).
                penalite = keras.ops.cond(self.optimiseur_d.iterations % 4 == 0,
                                          lambda: 4 * self.penalite_r1(reelles, etiquettes),
                                          lambda: keras.ops.zeros(()))
                # Tête de classe (GAN conditionnel, section 9 ; 0 sans elle) : elle apprend la classe
                # des vraies images.
                regularisee = perte_d + penalite + self.erreur_classe(etiquettes, classes_reelles)
            poids_d = self.discriminateur.trainable_weights
            self.optimiseur_d.apply(bande_d.gradient(regularisee, poids_d), poids_d)
            # 2. Pas du générateur : les mêmes fausses images, jugées par D mis à jour ; le gradient
            #    traverse D, mais seuls les poids de G bougent.
            logits_faux, classes_fausses = self.sorties_d(fausses, etiquettes, training=True)
            perte_g = self.perte_generateur(logits_faux)
            # Tête de classe : G est poussé vers des images qu'elle range dans la classe demandée.
            totale_g = perte_g + self.erreur_classe(etiquettes, classes_fausses)
        poids_g = self.generateur.trainable_weights
        self.optimiseur_g.apply(bande_g.gradient(totale_g, poids_g), poids_g)
        self.suivi_d.update_state(perte_d)
        self.suivi_g.update_state(perte_g)
        return {suivi.name: suivi.result() for suivi in self.metrics}


def compiler_gan(modele, taux=1e-3, beta_2=0.999, eager=False):
    """Deux optimiseurs Adam (β₁ = 0,5 comme le DCGAN), un par réseau, de taux d'apprentissage
    ``taux`` ; ``beta_2`` : 0,999 par défaut (la valeur de Keras), 0,99 pour ``GANAvance`` ;
    ``eager`` : exécuter les pas sans graphe (``tailles.eager`` du budget)."""
    modele.compile(optimiseur_d=keras.optimizers.Adam(taux, beta_1=0.5, beta_2=beta_2),
                   optimiseur_g=keras.optimizers.Adam(taux, beta_1=0.5, beta_2=beta_2), jit_compile=False,
                   run_eagerly=eager)


def lots(x, taille_lot, etiquettes=None):
    """``x`` ``(n, 28, 28, 1)`` dans [-1, 1] (et ses étiquettes one-hot ``(n, 10)``) en lots mélangés
    de ``taille_lot`` images (``tf.data``) ; le dernier lot incomplet est laissé de côté."""
    donnees = x if etiquettes is None else (x, etiquettes)
    melangees = tf.data.Dataset.from_tensor_slices(donnees).shuffle(10_000, seed=0)
    return melangees.batch(taille_lot, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def canaux_etiquette(y, cote):
    """Étiquettes one-hot ``(batch, 10)`` -> 10 canaux constants ``(batch, cote, cote, 10)``."""
    return keras.layers.UpSampling2D(cote)(keras.layers.Reshape((1, 1, 10))(y))


def construire_generateur_conditionnel(latent_dim):
    """``[z (batch, latent_dim), y one-hot (batch, 10)]`` -> images ``(batch, 28, 28, 1)`` dans
    [-1, 1]. Chaque agrandissement : ``UpSampling2D`` (chaque pixel répété en 2 × 2), puis une
    ``Conv2D`` ordinaire (pas de convolution transposée) ; l'étiquette entre avec z, puis revient en
    10 canaux constants à 14 × 14."""
    z, y = keras.Input(shape=(latent_dim,)), keras.Input(shape=(10,))
    h = keras.layers.Dense(7 * 7 * 64, use_bias=False)(keras.layers.Concatenate()([z, y]))
    h = keras.layers.LeakyReLU(0.2)(keras.layers.BatchNormalization()(h))
    h = keras.layers.UpSampling2D()(keras.layers.Reshape((7, 7, 64))(h))  # 14 × 14 × 64
    h = keras.layers.Concatenate()([h, canaux_etiquette(y, 14)])  # 14 × 14 × 74 : l'étiquette revient
    h = keras.layers.Conv2D(64, 3, padding="same", use_bias=False)(h)
    h = keras.layers.LeakyReLU(0.2)(keras.layers.BatchNormalization()(h))
    h = keras.layers.UpSampling2D()(h)  # 28 × 28 × 64
    images = keras.layers.Conv2D(1, 5, padding="same", activation="tanh")(h)  # 28 × 28 × 1
    return keras.Model([z, y], images, name="generateur_conditionnel")


def construire_discriminateur_conditionnel():
    """``[images (batch, 28, 28, 1), y one-hot (batch, 10)]`` -> ``[logits (batch, 1), logits de
    classe (batch, 10)]``. Le logit est « à projection » : ℓ(x, y) = w·φ(x) + b + e_y·φ(x), φ(x) les
    caractéristiques de l'image seule, e_y un vecteur appris par classe ; la tête de classe (AC-GAN)
    devine la classe de l'image à partir de φ(x) seul."""
    x, y = keras.Input(shape=(28, 28, 1)), keras.Input(shape=(10,))
    h = x
    for filtres in (32, 64):
        h = keras.layers.Conv2D(filtres, 4, strides=2, padding="same")(h)  # 14 × 14, puis 7 × 7
        h = keras.layers.LeakyReLU(0.2)(h)
    phi = keras.layers.Flatten()(h)  # φ(x) : 7 × 7 × 64 caractéristiques de l'image seule
    e_y = keras.layers.Dense(7 * 7 * 64, use_bias=False)(y)  # e_y : un vecteur appris par classe
    logit = keras.layers.Add()([keras.layers.Dense(1)(phi), keras.layers.Dot(axes=1)([phi, e_y])])
    classes = keras.layers.Dense(10)(phi)  # tête de classe : 10 logits, l'étiquette donnée n'y entre pas
    return keras.Model([x, y], [logit, classes], name="discriminateur_conditionnel")
