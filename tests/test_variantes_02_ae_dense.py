"""Catalogue de variantes de ``construire_autoencodeur_dense`` et ``interpoler`` (02_ae_dense)
passées au banc."""

from variant_harness import catalogue_tests

ASSIGNMENT = "02_ae_dense"

FUNCTION = "construire_autoencodeur_dense"

# Gabarits : un encodeur et un décodeur justes, que les mauvaises réponses altèrent d'un point.
ENCODEUR = '''
    encodeur = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"), keras.layers.Dense({latent}{code})], name="encodeur")
'''
DECODEUR = '''
    decodeur = keras.Sequential([keras.Input(shape=({latent},)), keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(784, activation="{sortie}"){reshape}], name="decodeur")
'''
COMPOSITION = '''
    entree = keras.Input(shape=(28, 28, 1))
    return keras.Model(entree, decodeur(encodeur(entree))), encodeur, decodeur
'''


def variant(latent="latent_dim", code="", sortie="sigmoid", reshape=", keras.layers.Reshape((28, 28, 1))",
            composition=COMPOSITION):
    return ("def construire_autoencodeur_dense(latent_dim):"
            + ENCODEUR.format(latent=latent, code=code) + DECODEUR.format(latent=latent, sortie=sortie, reshape=reshape)
            + composition)


WRONG = {
    "sortie linéaire (pas de sigmoïde)": variant(sortie="linear"),
    "sortie ReLU": variant(sortie="relu"),
    "code figé à 2": variant(latent="2"),
    "décodeur de sortie (batch, 784)": variant(reshape=""),
    "décodeur de sortie (batch, 28, 28)": variant(reshape=", keras.layers.Reshape((28, 28))"),
    "autoencodeur reconstruit avec de nouvelles couches": variant(composition='''
    autre = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"), keras.layers.Dense(latent_dim),
        keras.layers.Dense(128, activation="relu"), keras.layers.Dense(784, activation="sigmoid"),
        keras.layers.Reshape((28, 28, 1))])
    return autre, encodeur, decodeur
'''),
    "triplet dans le mauvais ordre": variant(composition='''
    entree = keras.Input(shape=(28, 28, 1))
    return encodeur, decodeur, keras.Model(entree, decodeur(encodeur(entree)))
'''),
    "amorce non remplie": '''
def construire_autoencodeur_dense(latent_dim):
    # VOTRE CODE ICI
    raise NotImplementedError()
''',
    # Sorties dont une activation égarée restreint la plage (issue 12) : toujours dans [0, 1],
    # mais jamais près de 0 (noir) ou jamais près de 1 (blanc).
    "sigmoïde d'une ReLU (pixels ≥ 0,5)": variant(
        sortie="relu", reshape=', keras.layers.Activation("sigmoid"), keras.layers.Reshape((28, 28, 1))'),
    "sigmoïde appliquée deux fois (pixels entre 0,5 et 0,73)": variant(
        reshape=', keras.layers.Activation("sigmoid"), keras.layers.Reshape((28, 28, 1))'),
    "moitié d'une sigmoïde (pixels ≤ 0,5)": variant(
        reshape=', keras.layers.Lambda(lambda t: 0.5 * t), keras.layers.Reshape((28, 28, 1))'),
    "tanh en sortie": variant(sortie="tanh"),
    "softplus en sortie": variant(sortie="softplus"),
    'sigmoïde coupée à [0,05 ; 0,95] (ni noir ni blanc)': variant(
        reshape=", keras.layers.Lambda(lambda t: keras.ops.clip(t, 0.05, 0.95)), keras.layers.Reshape((28, 28, 1))"),
}

CORRECT = {
    "Sequential, autres largeurs": variant(),
    "le TP à la lettre : ReLU partout, code compris, sigmoïde en sortie": variant(code=', activation="relu"'),
    "fonctionnel de bout en bout": '''
def construire_autoencodeur_dense(latent_dim):
    x = keras.Input(shape=(28, 28, 1))
    h = keras.layers.Flatten()(x)
    h = keras.layers.Dense(512, activation="relu")(h)
    h = keras.layers.Dense(128, activation="relu")(h)
    encodeur = keras.Model(x, keras.layers.Dense(latent_dim)(h), name="encodeur")
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(512, activation="relu")(z)
    h = keras.layers.Dense(784)(h)
    h = keras.layers.Activation("sigmoid")(h)
    decodeur = keras.Model(z, keras.layers.Reshape((28, 28, 1))(h), name="decodeur")
    autoencodeur = keras.Sequential([keras.Input(shape=(28, 28, 1)), encodeur, decodeur])
    return autoencodeur, encodeur, decodeur
''',
    # La plage du code n'est pas fixée par le contrat : un code borné reste juste.
    "code tanh": variant(code=', activation="tanh"'),
    "code sigmoïde": variant(code=', activation="sigmoid"'),
    "couches cachées tanh, Conv2DTranspose, sigmoïde séparée, couches nommées": '''
def construire_autoencodeur_dense(latent_dim):
    encodeur = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Flatten(name="aplatir"),
        keras.layers.Dense(64, activation="tanh", name="cachee"), keras.layers.Dense(latent_dim, name="code")],
        name="enc")
    decodeur = keras.Sequential([keras.Input(shape=(latent_dim,)), keras.layers.Dense(7 * 7 * 8, activation="tanh"),
        keras.layers.Reshape((7, 7, 8)), keras.layers.Conv2DTranspose(1, 4, strides=4, padding="same"),
        keras.layers.Activation("sigmoid", name="pixels")], name="dec")
    entree = keras.Input(shape=(28, 28, 1))
    return keras.Model(entree, decodeur(encodeur(entree))), encodeur, decodeur
''',
}

INTERPOLER_WRONG = {
    "extrémité z_b exclue (endpoint=False)": '''
def interpoler(z_a, z_b, n):
    t = np.linspace(0.0, 1.0, n, endpoint=False)[:, None]
    return (1 - t) * z_a + t * z_b
''',
    "t = k / n (le dernier point avant z_b)": '''
def interpoler(z_a, z_b, n):
    t = (np.arange(n) / n)[:, None]
    return (1 - t) * z_a + t * z_b
''',
    "n + 1 points": '''
def interpoler(z_a, z_b, n):
    t = np.linspace(0.0, 1.0, n + 1)[:, None]
    return (1 - t) * z_a + t * z_b
''',
    "de z_b vers z_a": '''
def interpoler(z_a, z_b, n):
    t = np.linspace(0.0, 1.0, n)[:, None]
    return t * z_a + (1 - t) * z_b
''',
    "forme (d, n)": '''
def interpoler(z_a, z_b, n):
    t = np.linspace(0.0, 1.0, n)
    return np.outer(z_a, 1 - t) + np.outer(z_b, t)
''',
    "dimension figée à 2": '''
def interpoler(z_a, z_b, n):
    points = np.zeros((n, 2), dtype="float32")
    for k, t in enumerate(np.linspace(0.0, 1.0, n)):
        points[k] = (1 - t) * z_a[:2] + t * z_b[:2]
    return points
''',
    "modifie z_a sur place": '''
def interpoler(z_a, z_b, n):
    points = []
    pas = (z_b - z_a) / (n - 1)
    for _ in range(n):
        points.append(z_a.copy())
        z_a += pas
    return np.stack(points)
''',
    "interpolation sphérique (slerp), pas le segment": '''
def interpoler(z_a, z_b, n):
    a, b = z_a / np.linalg.norm(z_a), z_b / np.linalg.norm(z_b)
    omega = np.arccos(np.clip(np.dot(a, b), -1.0, 1.0))
    t = np.linspace(0.0, 1.0, n)[:, None]
    if omega < 1e-6:
        return (1 - t) * z_a + t * z_b
    return (np.sin((1 - t) * omega) * z_a + np.sin(t * omega) * z_b) / np.sin(omega)
''',
    "pas en progression géométrique": '''
def interpoler(z_a, z_b, n):
    t = ((np.geomspace(1.0, 2.0, n) - 1.0))[:, None]
    return (1 - t) * z_a + t * z_b
''',
    "amorce non remplie": '''
def interpoler(z_a, z_b, n):
    # VOTRE CODE ICI
    raise NotImplementedError()
''',
}

INTERPOLER_CORRECT = {
    "np.linspace entre deux vecteurs": '''
def interpoler(z_a, z_b, n):
    return np.linspace(z_a, z_b, n)
''',
    "boucle et liste, en float64": '''
def interpoler(z_a, z_b, n):
    z_a, z_b = np.asarray(z_a, dtype=np.float64), np.asarray(z_b, dtype=np.float64)
    return np.array([z_a + k / (n - 1) * (z_b - z_a) for k in range(n)])
''',
    "keras.ops, un tenseur renvoyé": '''
def interpoler(z_a, z_b, n):
    t = keras.ops.expand_dims(keras.ops.linspace(0.0, 1.0, n), 1)
    return z_a + t * (keras.ops.convert_to_tensor(z_b) - z_a)
''',
}

CATALOGUE = {FUNCTION: (WRONG, CORRECT), "interpoler": (INTERPOLER_WRONG, INTERPOLER_CORRECT)}

test_catalogue_is_large_enough, test_every_variant_gets_its_expected_grade = catalogue_tests(ASSIGNMENT, CATALOGUE)
