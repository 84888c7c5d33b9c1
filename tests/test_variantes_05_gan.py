"""Catalogue de variantes des fonctions notées de 05_gan, passées au banc des variantes.

Chaque mauvaise réponse doit échouer à au moins une cellule ``test_<fonction>*`` ; chaque réponse
juste (différente de la référence) doit les réussir toutes. Les erreurs cataloguées sont celles que
la tâche du notebook 05 demande d'attraper : forme, étendue de la sortie (sigmoïde au lieu de tanh,
ReLU qui restreint l'étendue, sigmoïde sur les logits), réseau non dérivable (arrondi,
``stop_gradient``), étiquettes inversées (le guide keras.io),
sommes au lieu de moyennes, termes moyennés au lieu d'additionnés, probabilités au lieu de logits,
logarithme de la sigmoïde écrit à la main (débordement à ±40), NumPy dans un ``train_step`` ; pour
les deux pas d'entraînement : poids du mauvais réseau (ou des deux, ou gelés compris), optimiseur
neuf ou d'un autre réseau, étiquettes inversées, montée au lieu de descente, perte minimax,
``stop_gradient`` qui coupe le gradient de G, gradient jamais appliqué ou appliqué deux fois, NumPy,
perte renvoyée après la mise à jour.
"""

from variant_harness import catalogue_tests, quiz_variants

ASSIGNMENT = "05_gan"

# Le générateur de référence, à une couche près : chaque mauvaise réponse ne change qu'une chose.
_G_DEBUT = '''
def construire_generateur(latent_dim):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(7 * 7 * 32), keras.layers.LeakyReLU(0.2), keras.layers.Reshape((7, 7, 32)),
        keras.layers.Conv2DTranspose(16, 4, strides=2, padding="same"), keras.layers.LeakyReLU(0.2),
'''

GENERATEUR_WRONG = {
    "sigmoïde au lieu de tanh": _G_DEBUT + '''
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid"),
    ])
''',
    "sortie linéaire (pas de tanh)": _G_DEBUT + '''
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same"),
    ])
''',
    "ReLU avant la tanh (sortie dans [0, 1])": _G_DEBUT + '''
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="relu"),
        keras.layers.Activation("tanh"),
    ])
''',
    "tanh divisée par 2 (sortie dans [−0,5, 0,5])": _G_DEBUT + '''
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),
        keras.layers.Rescaling(0.5),
    ])
''',
    "sortie (batch, 784)": '''
def construire_generateur(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), keras.layers.Dense(128, activation="relu"),
                             keras.layers.Dense(784, activation="tanh")])
''',
    "sortie (batch, 28, 28)": '''
def construire_generateur(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), keras.layers.Dense(128, activation="relu"),
                             keras.layers.Dense(784, activation="tanh"), keras.layers.Reshape((28, 28))])
''',
    "images 14 × 14 (un seul déploiement)": '''
def construire_generateur(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), keras.layers.Dense(7 * 7 * 16, activation="relu"),
                             keras.layers.Reshape((7, 7, 16)),
                             keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh")])
''',
    "dimension latente figée à 100": '''
def construire_generateur(latent_dim):
    return keras.Sequential([keras.Input(shape=(100,)), keras.layers.Dense(128, activation="relu"),
                             keras.layers.Dense(784, activation="tanh"), keras.layers.Reshape((28, 28, 1))])
''',
    "ignore z": '''
def construire_generateur(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(784, activation="tanh")(keras.layers.Lambda(lambda t: 0.0 * t + 1.0)(z))
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h))
''',
    'tanh coupée à ±0,95 (jamais tout à fait noir ou blanc)': _G_DEBUT + '''
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),
        keras.layers.Lambda(lambda t: keras.ops.clip(t, -0.95, 0.95)),
    ])
''',
    "pixels arrondis (non dérivable)": _G_DEBUT + '''
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),
        keras.layers.Lambda(lambda t: keras.ops.round(t * 100) / 100),
    ])
''',
    "stop_gradient avant la dernière couche": _G_DEBUT + '''
        keras.layers.Lambda(keras.ops.stop_gradient),
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),
    ])
''',
}

GENERATEUR_CORRECT = {
    "dense seulement": '''
def construire_generateur(latent_dim):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(256), keras.layers.LeakyReLU(0.2),
        keras.layers.Dense(512), keras.layers.BatchNormalization(), keras.layers.LeakyReLU(0.2),
        keras.layers.Dense(28 * 28, activation="tanh"), keras.layers.Reshape((28, 28, 1)),
    ])
''',
    "UpSampling2D, fonctionnel, tanh à part": '''
def construire_generateur(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Reshape((7, 7, 32))(keras.layers.Dense(7 * 7 * 32, activation="relu")(z))
    h = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(keras.layers.UpSampling2D()(h))
    h = keras.layers.Conv2D(1, 3, padding="same")(keras.layers.UpSampling2D()(h))
    return keras.Model(z, keras.layers.Activation("tanh")(h))
''',
    "Conv2DTranspose sans BatchNorm, ReLU": '''
def construire_generateur(latent_dim):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(7 * 7 * 32, activation="relu"), keras.layers.Reshape((7, 7, 32)),
        keras.layers.Conv2DTranspose(16, 4, strides=2, padding="same", activation="relu"),
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),
    ])
''',
    "UpSampling2D puis Conv2D, avec BatchNorm": '''
def construire_generateur(latent_dim):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(7 * 7 * 32, use_bias=False), keras.layers.BatchNormalization(), keras.layers.LeakyReLU(0.2),
        keras.layers.Reshape((7, 7, 32)), keras.layers.UpSampling2D(),
        keras.layers.Conv2D(16, 3, padding="same", use_bias=False), keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(0.2), keras.layers.UpSampling2D(),
        keras.layers.Conv2D(1, 5, padding="same", activation="tanh"),
    ])
''',
    "2·sigmoïde − 1": '''
def construire_generateur(latent_dim):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)), keras.layers.Dense(7 * 7 * 16, activation="relu"),
        keras.layers.Reshape((7, 7, 16)),
        keras.layers.Conv2DTranspose(8, 3, strides=2, padding="same", activation="relu"),
        keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid"),
        keras.layers.Rescaling(2.0, offset=-1.0),
    ])
''',
}

_D_DEBUT = '''
def construire_discriminateur():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(16, 4, strides=2, padding="same"), keras.layers.LeakyReLU(0.2),
        keras.layers.Conv2D(32, 4, strides=2, padding="same"), keras.layers.LeakyReLU(0.2),
'''

DISCRIMINATEUR_WRONG = {
    "sigmoïde en sortie": _D_DEBUT + '''
        keras.layers.Flatten(), keras.layers.Dense(1, activation="sigmoid"),
    ])
''',
    "sigmoïde dans une couche à part": _D_DEBUT + '''
        keras.layers.Flatten(), keras.layers.Dense(1), keras.layers.Activation("sigmoid"),
    ])
''',
    "tanh en sortie": _D_DEBUT + '''
        keras.layers.Flatten(), keras.layers.Dense(1, activation="tanh"),
    ])
''',
    "ReLU en sortie (logits positifs)": _D_DEBUT + '''
        keras.layers.Flatten(), keras.layers.Dense(1, activation="relu"),
    ])
''',
    "softplus en sortie": _D_DEBUT + '''
        keras.layers.Flatten(), keras.layers.Dense(1, activation="softplus"),
    ])
''',
    "deux sorties softmax": _D_DEBUT + '''
        keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax"),
    ])
''',
    "sans Flatten : (batch, 7, 7, 1)": _D_DEBUT + '''
        keras.layers.Dense(1),
    ])
''',
    "sortie (batch,)": _D_DEBUT + '''
        keras.layers.Flatten(), keras.layers.Dense(1), keras.layers.Lambda(lambda t: keras.ops.squeeze(t, -1)),
    ])
''',
    "stop_gradient sur l'image d'entrée": _D_DEBUT.replace(
        "keras.Input(shape=(28, 28, 1)),", "keras.Input(shape=(28, 28, 1)), keras.layers.Lambda(keras.ops.stop_gradient),") + '''
        keras.layers.Flatten(), keras.layers.Dense(1),
    ])
''',
    "entrée aplatie (784,)": '''
def construire_discriminateur():
    return keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(64), keras.layers.LeakyReLU(0.2),
                             keras.layers.Dense(1)])
''',
}

DISCRIMINATEUR_CORRECT = {
    "dense seulement": '''
def construire_discriminateur():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)), keras.layers.Flatten(),
        keras.layers.Dense(256), keras.layers.LeakyReLU(0.2), keras.layers.Dropout(0.3),
        keras.layers.Dense(1),
    ])
''',
    "MaxPooling2D au lieu des pas de 2, Dropout": '''
def construire_discriminateur():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(16, 3, padding="same"), keras.layers.LeakyReLU(0.2), keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, padding="same"), keras.layers.LeakyReLU(0.2), keras.layers.MaxPooling2D(),
        keras.layers.Flatten(), keras.layers.Dropout(0.3), keras.layers.Dense(1),
    ])
''',
    "fonctionnel, BatchNorm et moyenne globale": '''
def construire_discriminateur():
    x = keras.Input(shape=(28, 28, 1))
    h = keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(x)
    h = keras.layers.BatchNormalization()(keras.layers.Conv2D(64, 3, strides=2, padding="same")(h))
    h = keras.layers.GlobalAveragePooling2D()(keras.layers.LeakyReLU(0.2)(h))
    return keras.Model(x, keras.layers.Dense(1, name="logit")(h))
''',
}

PERTE_D_WRONG = {
    "étiquettes inversées (guide keras.io : réel = 0)": '''
def perte_discriminateur(logits_reels, logits_faux):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    return bce(keras.ops.zeros_like(logits_reels), logits_reels) + bce(keras.ops.ones_like(logits_faux), logits_faux)
''',
    "moyenne des deux termes": '''
def perte_discriminateur(logits_reels, logits_faux):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    return 0.5 * (bce(keras.ops.ones_like(logits_reels), logits_reels) + bce(keras.ops.zeros_like(logits_faux), logits_faux))
''',
    "sommes sur les lots": '''
def perte_discriminateur(logits_reels, logits_faux):
    reels = keras.losses.binary_crossentropy(keras.ops.ones_like(logits_reels), logits_reels, from_logits=True)
    faux = keras.losses.binary_crossentropy(keras.ops.zeros_like(logits_faux), logits_faux, from_logits=True)
    return keras.ops.sum(reels) + keras.ops.sum(faux)
''',
    "un seul lot concaténé, une seule moyenne": '''
def perte_discriminateur(logits_reels, logits_faux):
    logits = keras.ops.concatenate([logits_reels, logits_faux], axis=0)
    cibles = keras.ops.concatenate([keras.ops.ones_like(logits_reels), keras.ops.zeros_like(logits_faux)], axis=0)
    return 2.0 * keras.losses.BinaryCrossentropy(from_logits=True)(cibles, logits)
''',
    "probabilités au lieu de logits (from_logits oublié)": '''
def perte_discriminateur(logits_reels, logits_faux):
    bce = keras.losses.BinaryCrossentropy()
    return bce(keras.ops.ones_like(logits_reels), logits_reels) + bce(keras.ops.zeros_like(logits_faux), logits_faux)
''',
    # tf.sigmoid, et non keras.ops.sigmoid : Keras 3 garde derrière la sortie de keras.ops.sigmoid
    # un logit caché (_keras_logits) que ses pertes retrouvent (variante juste ci-dessous).
    "tf.sigmoid puis entropie croisée sur les probabilités": '''
def perte_discriminateur(logits_reels, logits_faux):
    bce = keras.losses.BinaryCrossentropy()
    return (bce(tf.ones_like(logits_reels), tf.sigmoid(logits_reels))
            + bce(tf.zeros_like(logits_faux), tf.sigmoid(logits_faux)))
''',
    "log(sigmoïde) écrit à la main": '''
def perte_discriminateur(logits_reels, logits_faux):
    return (-tf.reduce_mean(tf.math.log(tf.sigmoid(logits_reels)))
            - tf.reduce_mean(tf.math.log(1.0 - tf.sigmoid(logits_faux))))
''',
    "oublie les fausses images": '''
def perte_discriminateur(logits_reels, logits_faux):
    return keras.losses.BinaryCrossentropy(from_logits=True)(keras.ops.ones_like(logits_reels), logits_reels)
''',
    "écrite avec NumPy": '''
def perte_discriminateur(logits_reels, logits_faux):
    r, f = np.asarray(logits_reels, np.float64), np.asarray(logits_faux, np.float64)
    return np.float32(np.mean(np.logaddexp(0, -r)) + np.mean(np.logaddexp(0, f)))
''',
    'moyennes divisées par la taille statique du lot (lot inconnu refusé)': '''
def perte_discriminateur(logits_reels, logits_faux):
    bce = lambda y, l: keras.ops.sum(keras.losses.binary_crossentropy(y, l, from_logits=True))
    return (bce(keras.ops.ones_like(logits_reels), logits_reels) / logits_reels.shape[0]
            + bce(keras.ops.zeros_like(logits_faux), logits_faux) / logits_faux.shape[0])
''',
}

PERTE_D_CORRECT = {
    "keras.ops.sigmoid puis entropie croisée (Keras retrouve le logit caché)": '''
def perte_discriminateur(logits_reels, logits_faux):
    bce = keras.losses.BinaryCrossentropy()
    return (bce(keras.ops.ones_like(logits_reels), keras.ops.sigmoid(logits_reels))
            + bce(keras.ops.zeros_like(logits_faux), keras.ops.sigmoid(logits_faux)))
''',
    "tf.nn.sigmoid_cross_entropy_with_logits": '''
def perte_discriminateur(logits_reels, logits_faux):
    reels = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(logits_reels), logits=logits_reels)
    faux = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros_like(logits_faux), logits=logits_faux)
    return tf.reduce_mean(reels) + tf.reduce_mean(faux)
''',
    "softplus": '''
def perte_discriminateur(logits_reels, logits_faux):
    return keras.ops.mean(keras.ops.softplus(-logits_reels)) + keras.ops.mean(keras.ops.softplus(logits_faux))
''',
    "objet BinaryCrossentropy": '''
bce = keras.losses.BinaryCrossentropy(from_logits=True)

def perte_discriminateur(logits_reels, logits_faux):
    return bce(tf.ones_like(logits_reels), logits_reels) + bce(tf.zeros_like(logits_faux), logits_faux)
''',
}

PERTE_G_WRONG = {
    "forme minimax log(1 − D(G(z)))": '''
def perte_generateur(logits_faux):
    return -keras.ops.mean(keras.losses.binary_crossentropy(
        keras.ops.zeros_like(logits_faux), logits_faux, from_logits=True))
''',
    "étiquette 0 (la cible du discriminateur)": '''
def perte_generateur(logits_faux):
    return keras.losses.BinaryCrossentropy(from_logits=True)(keras.ops.zeros_like(logits_faux), logits_faux)
''',
    "somme sur le lot": '''
def perte_generateur(logits_faux):
    return keras.ops.sum(keras.losses.binary_crossentropy(
        keras.ops.ones_like(logits_faux), logits_faux, from_logits=True))
''',
    "une valeur par image (pas de moyenne)": '''
def perte_generateur(logits_faux):
    return keras.losses.binary_crossentropy(keras.ops.ones_like(logits_faux), logits_faux, from_logits=True)
''',
    "probabilités au lieu de logits (from_logits oublié)": '''
def perte_generateur(logits_faux):
    return keras.losses.BinaryCrossentropy()(keras.ops.ones_like(logits_faux), logits_faux)
''',
    "tf.sigmoid puis entropie croisée sur les probabilités": '''
def perte_generateur(logits_faux):
    return keras.losses.BinaryCrossentropy()(tf.ones_like(logits_faux), tf.sigmoid(logits_faux))
''',
    "log(sigmoïde) écrit à la main": '''
def perte_generateur(logits_faux):
    return -tf.reduce_mean(tf.math.log(tf.sigmoid(logits_faux)))
''',
    "écrite avec NumPy": '''
def perte_generateur(logits_faux):
    return np.float32(np.mean(np.logaddexp(0, -np.asarray(logits_faux, np.float64))))
''',
    'moyenne divisée par la taille statique du lot (lot inconnu refusé)': '''
def perte_generateur(logits_faux):
    pertes = keras.losses.binary_crossentropy(keras.ops.ones_like(logits_faux), logits_faux, from_logits=True)
    return keras.ops.sum(pertes) / logits_faux.shape[0]
''',
}

PERTE_G_CORRECT = {
    "keras.ops.sigmoid puis entropie croisée (Keras retrouve le logit caché)": '''
def perte_generateur(logits_faux):
    return keras.losses.BinaryCrossentropy()(keras.ops.ones_like(logits_faux), keras.ops.sigmoid(logits_faux))
''',
    "softplus": '''
def perte_generateur(logits_faux):
    return keras.ops.mean(keras.ops.softplus(-logits_faux))
''',
    "tf.nn.sigmoid_cross_entropy_with_logits": '''
def perte_generateur(logits_faux):
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(logits_faux), logits=logits_faux))
''',
    "−log_sigmoid de keras.ops": '''
def perte_generateur(logits_faux):
    return -keras.ops.mean(keras.ops.log_sigmoid(logits_faux))
''',
}

# Les deux pas d'entraînement : chaque mauvaise réponse ne change qu'une chose au pas de référence.
# Les tests cachés des pas remplacent les pertes de l'étudiant par des pertes de référence : une
# mauvaise réponse ici se trompe dans le pas lui-même.
_PAS_D = '''
def pas_discriminateur(generateur, discriminateur, optimiseur_d, reelles, z):
    fausses = generateur(z, training=True)
    with tf.GradientTape() as bande:
        perte = perte_discriminateur(discriminateur(reelles, training=True), discriminateur(fausses, training=True))
    poids = discriminateur.trainable_weights
'''

PAS_D_WRONG = {
    "gradient par rapport aux poids des deux réseaux": '''
def pas_discriminateur(generateur, discriminateur, optimiseur_d, reelles, z):
    with tf.GradientTape() as bande:
        perte = perte_discriminateur(discriminateur(reelles, training=True),
                                     discriminateur(generateur(z, training=True), training=True))
    poids = generateur.trainable_weights + discriminateur.trainable_weights
    optimiseur_d.apply(bande.gradient(perte, poids), poids)
    return perte
''',
    "tous les poids de D, couches gelées comprises (discriminateur.weights)": _PAS_D + '''
    optimiseur_d.apply(bande.gradient(perte, discriminateur.weights), discriminateur.weights)
    return perte
''',
    "étiquettes inversées (vraies et fausses échangées)": '''
def pas_discriminateur(generateur, discriminateur, optimiseur_d, reelles, z):
    fausses = generateur(z, training=True)
    with tf.GradientTape() as bande:
        perte = perte_discriminateur(discriminateur(fausses, training=True), discriminateur(reelles, training=True))
    poids = discriminateur.trainable_weights
    optimiseur_d.apply(bande.gradient(perte, poids), poids)
    return perte
''',
    "montée de gradient (gradient de −L_D)": '''
def pas_discriminateur(generateur, discriminateur, optimiseur_d, reelles, z):
    fausses = generateur(z, training=True)
    with tf.GradientTape() as bande:
        perte = perte_discriminateur(discriminateur(reelles, training=True), discriminateur(fausses, training=True))
        a_monter = -perte
    poids = discriminateur.trainable_weights
    optimiseur_d.apply(bande.gradient(a_monter, poids), poids)
    return perte
''',
    "perte calculée hors de la bande": '''
def pas_discriminateur(generateur, discriminateur, optimiseur_d, reelles, z):
    fausses = generateur(z, training=True)
    perte = perte_discriminateur(discriminateur(reelles, training=True), discriminateur(fausses, training=True))
    with tf.GradientTape() as bande:
        poids = discriminateur.trainable_weights
    optimiseur_d.apply(bande.gradient(perte, poids), poids)
    return perte
''',
    "gradient calculé mais jamais appliqué": _PAS_D + '''
    gradients = bande.gradient(perte, poids)
    return perte
''',
    "un nouvel optimiseur à chaque appel": _PAS_D + '''
    keras.optimizers.SGD(0.05).apply(bande.gradient(perte, poids), poids)
    return perte
''',
    "met aussi G à jour, avec optimiseur_d": '''
def pas_discriminateur(generateur, discriminateur, optimiseur_d, reelles, z):
    with tf.GradientTape(persistent=True) as bande:
        fausses = generateur(z, training=True)
        perte = perte_discriminateur(discriminateur(reelles, training=True), discriminateur(fausses, training=True))
        perte_g = perte_generateur(discriminateur(fausses, training=True))
    poids_d, poids_g = discriminateur.trainable_weights, generateur.trainable_weights
    optimiseur_d.apply(bande.gradient(perte, poids_d), poids_d)
    optimiseur_d.apply(bande.gradient(perte_g, poids_g), poids_g)
    return perte
''',
    "NumPy : fausses images en tableau (.numpy())": '''
def pas_discriminateur(generateur, discriminateur, optimiseur_d, reelles, z):
    fausses = generateur(z, training=True).numpy()
    with tf.GradientTape() as bande:
        perte = perte_discriminateur(discriminateur(reelles, training=True), discriminateur(fausses, training=True))
    poids = discriminateur.trainable_weights
    optimiseur_d.apply(bande.gradient(perte, poids), poids)
    return perte
''',
    "renvoie la perte après la mise à jour": _PAS_D + '''
    optimiseur_d.apply(bande.gradient(perte, poids), poids)
    return perte_discriminateur(discriminateur(reelles), discriminateur(fausses))
''',
    "deux pas au lieu d'un": _PAS_D + '''
    optimiseur_d.apply(bande.gradient(perte, poids), poids)
    with tf.GradientTape() as bande:
        encore = perte_discriminateur(discriminateur(reelles, training=True), discriminateur(fausses, training=True))
    optimiseur_d.apply(bande.gradient(encore, poids), poids)
    return perte
''',
}

PAS_D_CORRECT = {
    "apply_gradients(zip(...)), G dans la bande": '''
def pas_discriminateur(generateur, discriminateur, optimiseur_d, reelles, z):
    with tf.GradientTape() as bande:
        fausses = generateur(z, training=True)
        logits_reels = discriminateur(reelles, training=True)
        logits_faux = discriminateur(fausses, training=True)
        perte = perte_discriminateur(logits_reels, logits_faux)
    gradients = bande.gradient(perte, discriminateur.trainable_variables)
    optimiseur_d.apply_gradients(zip(gradients, discriminateur.trainable_variables))
    return perte
''',
    "bande qui ne suit que les poids de D (watch)": '''
def pas_discriminateur(generateur, discriminateur, optimiseur_d, reelles, z):
    poids = discriminateur.trainable_weights
    with tf.GradientTape(watch_accessed_variables=False) as bande:
        bande.watch([p.value for p in poids])  # la tf.Variable de chaque variable Keras
        perte = perte_discriminateur(discriminateur(reelles, training=True),
                                     discriminateur(generateur(z, training=True), training=True))
    optimiseur_d.apply(bande.gradient(perte, poids), poids)
    return perte
''',
    "un seul passage de D sur les vraies et les fausses concaténées, G en inférence": '''
def pas_discriminateur(generateur, discriminateur, optimiseur_d, reelles, z):
    fausses = keras.ops.stop_gradient(generateur(z, training=False))
    n = keras.ops.shape(reelles)[0]
    with tf.GradientTape() as bande:
        logits = discriminateur(keras.ops.concatenate([reelles, fausses], axis=0), training=True)
        perte = perte_discriminateur(logits[:n], logits[n:])
    poids = discriminateur.trainable_weights
    optimiseur_d.apply(bande.gradient(perte, poids), poids)
    return perte
''',
}

_PAS_G = '''
def pas_generateur(generateur, discriminateur, optimiseur_g, z):
    with tf.GradientTape() as bande:
        perte = perte_generateur(discriminateur(generateur(z, training=True), training=True))
    poids = generateur.trainable_weights
'''

PAS_G_WRONG = {
    "perte minimax log(1 − D(G(z)))": '''
def pas_generateur(generateur, discriminateur, optimiseur_g, z):
    with tf.GradientTape() as bande:
        perte = -keras.ops.mean(keras.ops.softplus(discriminateur(generateur(z, training=True), training=True)))
    poids = generateur.trainable_weights
    optimiseur_g.apply(bande.gradient(perte, poids), poids)
    return perte
''',
    "cible 0 (la perte du discriminateur sur les fausses)": '''
def pas_generateur(generateur, discriminateur, optimiseur_g, z):
    with tf.GradientTape() as bande:
        logits = discriminateur(generateur(z, training=True), training=True)
        perte = keras.ops.mean(keras.losses.binary_crossentropy(keras.ops.zeros_like(logits), logits, from_logits=True))
    poids = generateur.trainable_weights
    optimiseur_g.apply(bande.gradient(perte, poids), poids)
    return perte
''',
    "stop_gradient sur les images générées": '''
def pas_generateur(generateur, discriminateur, optimiseur_g, z):
    with tf.GradientTape() as bande:
        fausses = keras.ops.stop_gradient(generateur(z, training=True))
        perte = perte_generateur(discriminateur(fausses, training=True))
    poids = generateur.trainable_weights
    optimiseur_g.apply(bande.gradient(perte, poids), poids)
    return perte
''',
    "gradient par rapport aux poids des deux réseaux": '''
def pas_generateur(generateur, discriminateur, optimiseur_g, z):
    with tf.GradientTape() as bande:
        perte = perte_generateur(discriminateur(generateur(z, training=True), training=True))
    poids = generateur.trainable_weights + discriminateur.trainable_weights
    optimiseur_g.apply(bande.gradient(perte, poids), poids)
    return perte
''',
    "met à jour D au lieu de G": '''
def pas_generateur(generateur, discriminateur, optimiseur_g, z):
    with tf.GradientTape() as bande:
        perte = perte_generateur(discriminateur(generateur(z, training=True), training=True))
    poids = discriminateur.trainable_weights
    optimiseur_g.apply(bande.gradient(perte, poids), poids)
    return perte
''',
    "tous les poids de G, couches gelées comprises (generateur.weights)": '''
def pas_generateur(generateur, discriminateur, optimiseur_g, z):
    with tf.GradientTape() as bande:
        perte = perte_generateur(discriminateur(generateur(z, training=True), training=True))
    optimiseur_g.apply(bande.gradient(perte, generateur.weights), generateur.weights)
    return perte
''',
    "gradient calculé mais jamais appliqué": _PAS_G + '''
    gradients = bande.gradient(perte, poids)
    return perte
''',
    "un nouvel optimiseur à chaque appel": _PAS_G + '''
    keras.optimizers.SGD(0.05).apply(bande.gradient(perte, poids), poids)
    return perte
''',
    "NumPy : perte renvoyée en nombre NumPy": _PAS_G + '''
    optimiseur_g.apply(bande.gradient(perte, poids), poids)
    return np.float32(perte)
''',
    "renvoie la perte après la mise à jour": _PAS_G + '''
    optimiseur_g.apply(bande.gradient(perte, poids), poids)
    return perte_generateur(discriminateur(generateur(z)))
''',
}

PAS_G_CORRECT = {
    "apply_gradients(zip(...))": '''
def pas_generateur(generateur, discriminateur, optimiseur_g, z):
    with tf.GradientTape() as bande:
        fausses = generateur(z, training=True)
        perte = perte_generateur(discriminateur(fausses, training=True))
    gradients = bande.gradient(perte, generateur.trainable_variables)
    optimiseur_g.apply_gradients(zip(gradients, generateur.trainable_variables))
    return perte
''',
    "bande qui ne suit que les poids de G (watch)": '''
def pas_generateur(generateur, discriminateur, optimiseur_g, z):
    poids = generateur.trainable_weights
    with tf.GradientTape(watch_accessed_variables=False) as bande:
        bande.watch([p.value for p in poids])  # la tf.Variable de chaque variable Keras
        perte = perte_generateur(discriminateur(generateur(z, training=True), training=True))
    optimiseur_g.apply(bande.gradient(perte, poids), poids)
    return perte
''',
    "perte non saturante écrite dans le pas, D sans training=True": '''
def pas_generateur(generateur, discriminateur, optimiseur_g, z):
    with tf.GradientTape() as bande:
        perte = keras.ops.mean(keras.ops.softplus(-discriminateur(generateur(z, training=True))))
    poids = generateur.trainable_weights
    optimiseur_g.apply(bande.gradient(perte, poids), poids)
    return perte
''',
}

QUIZ = {"reponse_q1": quiz_variants("reponse_q1", "b"), "reponse_q2": quiz_variants("reponse_q2", "c"),
        "reponse_q3": quiz_variants("reponse_q3", "b")}

CATALOGUE = {
    "construire_generateur": (GENERATEUR_WRONG, GENERATEUR_CORRECT),
    "construire_discriminateur": (DISCRIMINATEUR_WRONG, DISCRIMINATEUR_CORRECT),
    "perte_discriminateur": (PERTE_D_WRONG, PERTE_D_CORRECT),
    "perte_generateur": (PERTE_G_WRONG, PERTE_G_CORRECT),
    "pas_discriminateur": (PAS_D_WRONG, PAS_D_CORRECT),
    "pas_generateur": (PAS_G_WRONG, PAS_G_CORRECT),
    **QUIZ,
}

test_catalogue_is_large_enough, test_every_variant_gets_its_expected_grade = catalogue_tests(ASSIGNMENT, CATALOGUE)
