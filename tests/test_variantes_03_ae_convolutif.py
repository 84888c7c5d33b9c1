"""Catalogue de variantes des fonctions notées de ``03_ae_convolutif`` passées au banc des variantes.

Pour chaque fonction (``construire_encodeur_conv``, ``construire_decodeur_conv``, ``bruiter``),
chaque mauvaise réponse doit échouer à au moins une de ses cellules ``test_<fonction>*`` ; chaque
réponse juste (différente de la référence) doit les réussir toutes.
"""

from variant_harness import catalogue_tests

ASSIGNMENT = "03_ae_convolutif"

STUB = {
    "fonction non écrite (amorce)": '''
def {name}(*args, **kwargs):
    # VOTRE CODE ICI
    raise NotImplementedError()
''',
}

WRONG = {
    "construire_encodeur_conv": {
        "MaxPooling2D créée mais pas branchée, Resizing à la place": '''
def construire_encodeur_conv():
    entree = keras.Input(shape=(28, 28, 1))
    pooling = layers.MaxPooling2D(2)  # jamais appelée : absente du graphe
    x = layers.Conv2D(16, 3, padding="same", activation="relu")(entree)
    code = layers.Conv2D(8, 3, padding="same", activation="relu")(layers.Resizing(7, 7)(x))
    return keras.Model(entree, code)
''',
        "MaxPooling2D à pas 1 (ne réduit rien), puis Resizing": '''
def construire_encodeur_conv():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2, strides=1, padding="same"),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.Resizing(7, 7),
    ])
''',
        "une seule réduction (pas 2), puis Resizing 14 → 7": '''
def construire_encodeur_conv():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(16, 3, strides=2, padding="same", activation="relu"),  # 14 × 14 × 16
        layers.Conv2D(8, 3, padding="same", activation="relu"),              # 14 × 14 × 8
        layers.Resizing(7, 7),
    ])
''',
        "Conv2D puis couche dense : Flatten, Dense, Reshape en 7 × 7 × 8": '''
def construire_encodeur_conv():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.Flatten(),
        layers.Dense(7 * 7 * 8, activation="relu"),
        layers.Reshape((7, 7, 8)),
    ])
''',
        "un seul étage : codes 14 × 14": '''
def construire_encodeur_conv():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
    ])
''',
        "padding valid : codes 5 × 5": '''
def construire_encodeur_conv():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(16, 3, activation="relu"),  # 26
        layers.MaxPooling2D(2),                   # 13
        layers.Conv2D(8, 3, activation="relu"),   # 11
        layers.MaxPooling2D(2),                   # 5
    ])
''',
        "Dense au lieu de Conv2D": '''
def construire_encodeur_conv():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.MaxPooling2D(2),
        layers.MaxPooling2D(2),
        layers.Dense(8, activation="relu"),  # agit sur l'axe des canaux : 7 × 7 × 8
    ])
''',
        "codes aplatis (n, 392)": '''
def construire_encodeur_conv():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
    ])
''',
        "renvoie une liste de couches": '''
def construire_encodeur_conv():
    return [layers.Conv2D(16, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
            layers.Conv2D(8, 3, padding="same", activation="relu"), layers.MaxPooling2D(2)]
''',
    },
    "construire_decodeur_conv": {
        "sortie linéaire (sans sigmoïde)": '''
def construire_decodeur_conv(c):
    return keras.Sequential([
        keras.Input(shape=(7, 7, c)),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(1, 3, padding="same"),
    ])
''',
        "ReLU en sortie": '''
def construire_decodeur_conv(c):
    return keras.Sequential([
        keras.Input(shape=(7, 7, c)),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(1, 3, padding="same", activation="relu"),
    ])
''',
        "sortie en couleurs 28 × 28 × 3": '''
def construire_decodeur_conv(c):
    return keras.Sequential([
        keras.Input(shape=(7, 7, c)),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(3, 3, padding="same", activation="sigmoid"),
    ])
''',
        "ignore c (entrée toujours 7 × 7 × 8)": '''
def construire_decodeur_conv(c):
    return keras.Sequential([
        keras.Input(shape=(7, 7, 8)),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
    ])
''',
        "Dense et Reshape au lieu d'agrandir": '''
def construire_decodeur_conv(c):
    return keras.Sequential([
        keras.Input(shape=(7, 7, c)),
        layers.Flatten(),
        layers.Dense(784, activation="sigmoid"),
        layers.Reshape((28, 28, 1)),
    ])
''',
        "un seul UpSampling2D : images 14 × 14": '''
def construire_decodeur_conv(c):
    return keras.Sequential([
        keras.Input(shape=(7, 7, c)),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
    ])
''',
        "Dense vers 14 × 14, un seul UpSampling2D": '''
def construire_decodeur_conv(c):
    return keras.Sequential([
        keras.Input(shape=(7, 7, c)),
        layers.Flatten(),
        layers.Dense(14 * 14 * 8, activation="relu"),
        layers.Reshape((14, 14, 8)),
        layers.UpSampling2D(2),
        layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
    ])
''',
        "UpSampling2D(2) puis Resizing 14 → 28": '''
def construire_decodeur_conv(c):
    return keras.Sequential([
        keras.Input(shape=(7, 7, c)),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Resizing(28, 28),
        layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
    ])
''',
        "Conv2DTranspose à pas 1 et Resizing": '''
def construire_decodeur_conv(c):
    return keras.Sequential([
        keras.Input(shape=(7, 7, c)),
        layers.Conv2DTranspose(16, 3, padding="same", activation="relu"),
        layers.Resizing(28, 28),
        layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
    ])
''',
        # Sorties dont une activation égarée restreint la plage (issue 12) : dans [0, 1], mais jamais
        # près de 0 (noir) ou jamais près de 1 (blanc).
        "sigmoïde d'une ReLU (pixels ≥ 0,5)": '''
def construire_decodeur_conv(c):
    return keras.Sequential([
        keras.Input(shape=(7, 7, c)),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(1, 3, padding="same", activation="relu"),
        layers.Activation("sigmoid"),
    ])
''',
        "sigmoïde appliquée deux fois (pixels entre 0,5 et 0,73)": '''
def construire_decodeur_conv(c):
    return keras.Sequential([
        keras.Input(shape=(7, 7, c)),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
        layers.Activation("sigmoid"),
    ])
''',
        "moitié d'une sigmoïde (pixels ≤ 0,5)": '''
def construire_decodeur_conv(c):
    return keras.Sequential([
        keras.Input(shape=(7, 7, c)),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
        layers.Rescaling(0.5),
    ])
''',
        "tanh en sortie": '''
def construire_decodeur_conv(c):
    return keras.Sequential([
        keras.Input(shape=(7, 7, c)),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(1, 3, padding="same", activation="tanh"),
    ])
''',
        "sigmoïde coupée à [0,05 ; 0,95] (ni noir ni blanc)": '''
def construire_decodeur_conv(c):
    return keras.Sequential([
        keras.Input(shape=(7, 7, c)),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
        layers.Lambda(lambda t: keras.ops.clip(t, 0.05, 0.95)),
    ])
''',
    },
    "bruiter": {
        "modifie son argument": '''
def bruiter(images, facteur, seed=None):
    images = np.asarray(images)
    images += np.random.default_rng(seed).normal(0.0, facteur, images.shape).astype(images.dtype)
    np.clip(images, 0.0, 1.0, out=images)
    return images
''',
        "oublie de couper dans [0, 1]": '''
def bruiter(images, facteur, seed=None):
    images = np.asarray(images)
    return (images + np.random.default_rng(seed).normal(0.0, facteur, images.shape)).astype(images.dtype)
''',
        "variance au lieu d'écart-type": '''
def bruiter(images, facteur, seed=None):
    images = np.asarray(images)
    bruit = np.random.default_rng(seed).normal(0.0, facteur**2, images.shape)
    return np.clip(images + bruit, 0.0, 1.0).astype(images.dtype)
''',
        "float64 pour une entrée float32": '''
def bruiter(images, facteur, seed=None):
    images = np.asarray(images)
    return np.clip(images + np.random.default_rng(seed).normal(0.0, facteur, images.shape), 0.0, 1.0)
''',
        "ignore la graine": '''
def bruiter(images, facteur, seed=None):
    images = np.asarray(images)
    bruit = np.random.normal(0.0, facteur, images.shape)
    return np.clip(images + bruit, 0.0, 1.0).astype(images.dtype)
''',
        "graine d'opération de tf.random.normal (change à chaque appel)": '''
def bruiter(images, facteur, seed=None):
    x = tf.convert_to_tensor(images)
    bruit = tf.random.normal(tf.shape(x), stddev=facteur, seed=seed, dtype=x.dtype)
    return tf.clip_by_value(x + bruit, 0.0, 1.0)
''',
        "graine fixe même quand seed=None": '''
def bruiter(images, facteur, seed=None):
    images = np.asarray(images)
    bruit = np.random.default_rng(0 if seed is None else seed).normal(0.0, facteur, images.shape)
    return np.clip(images + bruit, 0.0, 1.0).astype(images.dtype)
''',
        "bruit uniforme sur [-facteur, facteur]": '''
def bruiter(images, facteur, seed=None):
    images = np.asarray(images)
    bruit = np.random.default_rng(seed).uniform(-facteur, facteur, images.shape)
    return np.clip(images + bruit, 0.0, 1.0).astype(images.dtype)
''',
        "bruit uniforme de même écart-type": '''
def bruiter(images, facteur, seed=None):
    images = np.asarray(images)
    demi_largeur = facteur * np.sqrt(3.0)
    bruit = np.random.default_rng(seed).uniform(-demi_largeur, demi_largeur, images.shape)
    return np.clip(images + bruit, 0.0, 1.0).astype(images.dtype)
''',
        "bruit de Laplace de même écart-type": '''
def bruiter(images, facteur, seed=None):
    images = np.asarray(images)
    bruit = np.random.default_rng(seed).laplace(0.0, facteur / np.sqrt(2.0), images.shape)
    return np.clip(images + bruit, 0.0, 1.0).astype(images.dtype)
''',
        "même bruit pour toutes les images du lot": '''
def bruiter(images, facteur, seed=None):
    images = np.asarray(images)
    bruit = np.random.default_rng(seed).normal(0.0, facteur, images.shape[1:])
    return np.clip(images + bruit, 0.0, 1.0).astype(images.dtype)
''',
        "renormalise au lieu de couper": '''
def bruiter(images, facteur, seed=None):
    images = np.asarray(images)
    x = images + np.random.default_rng(seed).normal(0.0, facteur, images.shape)
    x = (x - x.min()) / max(x.max() - x.min(), 1e-12)
    return x.astype(images.dtype)
''',
        "coupe le bruit au lieu de l'image bruitée": '''
def bruiter(images, facteur, seed=None):
    images = np.asarray(images)
    bruit = np.clip(np.random.default_rng(seed).normal(0.0, facteur, images.shape), 0.0, 1.0)
    return (images + bruit).astype(images.dtype)
''',
        "refuse les tenseurs TensorFlow": '''
def bruiter(images, facteur, seed=None):
    sortie = images.copy()
    sortie += np.random.default_rng(seed).normal(0.0, facteur, images.shape).astype(images.dtype)
    return np.clip(sortie, 0.0, 1.0)
''',
    },
}

CORRECT = {
    "construire_encodeur_conv": {
        "Sequential, 32 puis 16 filtres (c = 16)": '''
def construire_encodeur_conv():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPool2D(),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPool2D(),
    ])
''',
        "convolutions à pas 2, sans pooling": '''
def construire_encodeur_conv():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(16, 3, strides=2, padding="same", activation="relu"),  # 14 × 14 × 16
        layers.Conv2D(8, 3, strides=2, padding="same", activation="relu"),   # 7 × 7 × 8
    ])
''',
        "AveragePooling2D, trois convolutions, c = 12": '''
def construire_encodeur_conv():
    entree = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, padding="same", activation="relu")(entree)
    x = layers.AveragePooling2D(2)(layers.Conv2D(32, 3, padding="same", activation="relu")(x))
    x = layers.Conv2D(12, 3, padding="same", activation="leaky_relu")(x)
    return keras.Model(entree, layers.AveragePooling2D(pool_size=2)(x), name="encodeur_moyennes")
''',
        "convolution à pas 2 puis un MaxPooling2D (c = 4)": '''
def construire_encodeur_conv():
    entree = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(entree)  # 14 × 14 × 16
    x = layers.Conv2D(4, 3, padding="same", activation="relu")(x)                   # 14 × 14 × 4
    return keras.Model(entree, layers.MaxPooling2D(pool_size=(2, 2))(x))           # 7 × 7 × 4
''',
        "sous-modèles imbriqués, sans Input": '''
def construire_encodeur_conv():
    def etage(filtres):
        return keras.Sequential([layers.Conv2D(filtres, 3, padding="same", activation="relu"),
                                 layers.MaxPooling2D(2)])
    return keras.Sequential([etage(16), etage(8)])
''',
        "un seul MaxPooling2D(4)": '''
def construire_encodeur_conv():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(8, 5, padding="same", activation="elu"),
        layers.MaxPooling2D(4),
    ])
''',
        # La plage des codes n'est pas fixée par le contrat : des codes bornés restent justes.
        "codes tanh": '''
def construire_encodeur_conv():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(8, 3, padding="same", activation="tanh"),
        layers.MaxPooling2D(2),
    ])
''',
        "codes sigmoïdes": '''
def construire_encodeur_conv():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(8, 3, padding="same", activation="sigmoid"),
        layers.MaxPooling2D(2),
    ])
''',
    },
    "construire_decodeur_conv": {
        "Conv2DTranspose à pas 2": '''
def construire_decodeur_conv(c):
    return keras.Sequential([
        keras.Input(shape=(7, 7, c)),
        layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu"),  # 14 × 14 × 16
        layers.Conv2DTranspose(8, 3, strides=2, padding="same", activation="relu"),   # 28 × 28 × 8
        layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
    ])
''',
        "UpSampling2D puis Conv2DTranspose, largeurs 32 et 16": '''
def construire_decodeur_conv(c):
    code = keras.Input(shape=(7, 7, c))
    x = layers.Conv2D(32, 3, padding="same", activation="relu")(layers.UpSampling2D(2)(code))  # 14 × 14 × 32
    x = layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu")(x)         # 28 × 28 × 16
    return keras.Model(code, layers.Conv2D(1, 3, padding="same", activation="sigmoid")(x))
''',
        "UpSampling2D(4) bilinéaire et Activation séparée": '''
def construire_decodeur_conv(c):
    code = keras.Input(shape=(7, 7, c))
    x = layers.UpSampling2D(size=4, interpolation="bilinear")(code)
    x = layers.Conv2D(1, 5, padding="same")(x)
    return keras.Model(code, layers.Activation("sigmoid")(x))
''',
        "coupure keras.ops.clip au lieu de sigmoïde": '''
def construire_decodeur_conv(c):
    code = keras.Input(shape=(7, 7, c))
    x = layers.UpSampling2D(2)(layers.Conv2D(8, 3, padding="same", activation="relu")(code))
    x = layers.UpSampling2D(2)(x)
    x = layers.Conv2D(1, 3, padding="same")(x)
    return keras.Model(code, layers.Lambda(lambda t: keras.ops.clip(t, 0.0, 1.0))(x))
''',
        "couches cachées tanh, BatchNormalization avant la sigmoïde": '''
def construire_decodeur_conv(c):
    code = keras.Input(shape=(7, 7, c), name="code")
    x = layers.Conv2DTranspose(12, 3, strides=2, padding="same", activation="tanh", name="agrandir_1")(code)
    x = layers.Conv2DTranspose(6, 3, strides=2, padding="same", activation="tanh", name="agrandir_2")(x)
    x = layers.BatchNormalization(name="normaliser")(layers.Conv2D(1, 3, padding="same", name="pixels")(x))
    return keras.Model(code, layers.Activation("sigmoid", name="sigmoide")(x))
''',
    },
    "bruiter": {
        "TensorFlow sans état (stateless_normal)": '''
def bruiter(images, facteur, seed=None):
    x = tf.convert_to_tensor(images)
    if seed is None:
        seed = np.random.randint(2**31 - 1)
    bruit = tf.random.stateless_normal(tf.shape(x), seed=[seed, 0], stddev=facteur, dtype=x.dtype)
    return tf.clip_by_value(x + bruit, 0.0, 1.0)
''',
        "keras.random.normal et keras.ops.clip": '''
def bruiter(images, facteur, seed=None):
    x = keras.ops.convert_to_tensor(images)
    bruit = keras.random.normal(keras.ops.shape(x), stddev=facteur, dtype=x.dtype, seed=seed)
    return keras.ops.clip(x + bruit, 0.0, 1.0)
''',
        "RandomState, minimum et maximum": '''
def bruiter(images, facteur, seed=None):
    x = np.array(images)
    bruit = np.random.RandomState(seed).standard_normal(x.shape) * facteur
    return np.minimum(np.maximum(x + bruit, 0), 1).astype(x.dtype)
''',
        "tf.random.Generator": '''
def bruiter(images, facteur, seed=None):
    x = tf.convert_to_tensor(images)
    generateur = (tf.random.Generator.from_non_deterministic_state() if seed is None
                  else tf.random.Generator.from_seed(seed))
    bruit = generateur.normal(tf.shape(x), stddev=facteur, dtype=x.dtype)
    return tf.clip_by_value(x + bruit, 0.0, 1.0)
''',
    },
}

# Chaque fonction : ses mauvaises réponses, l'amorce non remplie en plus, et ses réponses justes.
CATALOGUE = {function: ({**WRONG[function], **{name: code.format(name=function) for name, code in STUB.items()}},
                        CORRECT[function]) for function in WRONG}

test_catalogue_is_large_enough, test_every_variant_gets_its_expected_grade = catalogue_tests(ASSIGNMENT, CATALOGUE)
