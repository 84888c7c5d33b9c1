"""Catalogue de variantes de ``construire_autoencodeur_dense`` (02_ae_dense) passées au banc."""

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

CATALOGUE = {FUNCTION: (WRONG, CORRECT)}

test_catalogue_is_large_enough, test_every_variant_gets_its_expected_grade = catalogue_tests(ASSIGNMENT, CATALOGUE)
