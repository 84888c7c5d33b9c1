"""Catalogue de variantes des fonctions notées de 01_ae_lineaire, passées au banc des variantes.

Chaque mauvaise réponse doit échouer à au moins une cellule ``test_<fonction>*`` ; chaque
réponse juste (différente de la référence) doit les réussir toutes.
"""

from variant_harness import catalogue_tests

ASSIGNMENT = "01_ae_lineaire"

ACP_WRONG = {
    "oublie de centrer": '''
def acp(X, k):
    X = np.asarray(X, dtype=np.float64)
    _, _, Vt = np.linalg.svd(X, full_matrices=False)
    return X.mean(axis=0), Vt[:k]
''',
    "composantes non triées (eigh croissant)": '''
def acp(X, k):
    X = np.asarray(X, dtype=np.float64)
    valeurs, vecteurs = np.linalg.eigh(np.cov(X, rowvar=False))
    return X.mean(axis=0), vecteurs[:, :k].T
''',
    "U au lieu de V": '''
def acp(X, k):
    X = np.asarray(X, dtype=np.float64)
    U, _, _ = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    return X.mean(axis=0), U[:, :k].T
''',
    "composantes en colonnes": '''
def acp(X, k):
    X = np.asarray(X, dtype=np.float64)
    _, _, Vt = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    return X.mean(axis=0), Vt[:k].T
''',
    "composantes multipliées par les valeurs singulières": '''
def acp(X, k):
    X = np.asarray(X, dtype=np.float64)
    _, S, Vt = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    return X.mean(axis=0), S[:k, None] * Vt[:k]
''',
    "moyenne des colonnes": '''
def acp(X, k):
    X = np.asarray(X, dtype=np.float64)
    _, _, Vt = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    return X.mean(axis=1), Vt[:k]
''',
    "k ignoré (toujours 3)": '''
def acp(X, k):
    X = np.asarray(X, dtype=np.float64)
    _, _, Vt = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    return X.mean(axis=0), Vt[:3]
''',
    "les k dernières composantes": '''
def acp(X, k):
    X = np.asarray(X, dtype=np.float64)
    _, _, Vt = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    return X.mean(axis=0), Vt[::-1][:k]
''',
}

ACP_CORRECT = {
    "diagonalisation de la covariance": '''
def acp(X, k):
    X = np.asarray(X, dtype=np.float64)
    valeurs, vecteurs = np.linalg.eigh(np.cov(X, rowvar=False))
    ordre = np.argsort(valeurs)[::-1][:k]
    return X.mean(axis=0), vecteurs[:, ordre].T
''',
    "SVD de TensorFlow": '''
import tensorflow as tf

def acp(X, k):
    X = tf.cast(X, tf.float64)
    moyenne = tf.reduce_mean(X, axis=0)
    _, _, v = tf.linalg.svd(X - moyenne)
    return moyenne, tf.transpose(v)[:k]
''',
    "SVD complète et float32": '''
def acp(X, k):
    X = np.array(X, dtype=np.float32)
    moyenne = X.mean(0)
    Vt = np.linalg.svd(X - moyenne)[2]
    return moyenne, Vt[:k]
''',
}

RECONSTRUIRE_WRONG = {
    "n'ajoute pas la moyenne": '''
def reconstruire_acp(X, moyenne, composantes):
    X, m, C = (np.asarray(t, dtype=np.float64) for t in (X, moyenne, composantes))
    return (X - m) @ C.T @ C
''',
    "ne centre pas": '''
def reconstruire_acp(X, moyenne, composantes):
    X, m, C = (np.asarray(t, dtype=np.float64) for t in (X, moyenne, composantes))
    return m + X @ C.T @ C
''',
    "renvoie les coordonnées z": '''
def reconstruire_acp(X, moyenne, composantes):
    X, m, C = (np.asarray(t, dtype=np.float64) for t in (X, moyenne, composantes))
    return (X - m) @ C.T
''',
    "ni centrage ni moyenne": '''
def reconstruire_acp(X, moyenne, composantes):
    X, C = np.asarray(X, dtype=np.float64), np.asarray(composantes, dtype=np.float64)
    return X @ C.T @ C
''',
    "divise par k": '''
def reconstruire_acp(X, moyenne, composantes):
    X, m, C = (np.asarray(t, dtype=np.float64) for t in (X, moyenne, composantes))
    return m + (X - m) @ C.T @ C / len(C)
''',
    "projection sur le complément orthogonal": '''
def reconstruire_acp(X, moyenne, composantes):
    X, m, C = (np.asarray(t, dtype=np.float64) for t in (X, moyenne, composantes))
    return X - (X - m) @ C.T @ C
''',
}

RECONSTRUIRE_CORRECT = {
    "einsum": '''
def reconstruire_acp(X, moyenne, composantes):
    X, m, C = (np.asarray(t, dtype=np.float64) for t in (X, moyenne, composantes))
    z = np.einsum("nd,kd->nk", X - m, C)
    return m + np.einsum("nk,kd->nd", z, C)
''',
    "TensorFlow": '''
import tensorflow as tf

def reconstruire_acp(X, moyenne, composantes):
    X = tf.cast(X, tf.float64)
    m = tf.cast(moyenne, tf.float64)
    C = tf.cast(composantes, tf.float64)
    return m + tf.matmul(tf.matmul(X - m, C, transpose_b=True), C)
''',
    "pseudo-inverse": '''
def reconstruire_acp(X, moyenne, composantes):
    X, m, C = (np.asarray(t, dtype=np.float64) for t in (X, moyenne, composantes))
    return m + (X - m) @ np.linalg.pinv(C) @ C
''',
}

AE_WRONG = {
    "ReLU dans le goulot": '''
def construire_ae_lineaire(k, d=784):
    entree = keras.Input(shape=(d,))
    return keras.Model(entree, keras.layers.Dense(d)(keras.layers.Dense(k, activation="relu")(entree)))
''',
    "sigmoïde en sortie": '''
def construire_ae_lineaire(k, d=784):
    return keras.Sequential([keras.Input(shape=(d,)), keras.layers.Dense(k), keras.layers.Dense(d, activation="sigmoid")])
''',
    "goulot figé à 2": '''
def construire_ae_lineaire(k, d=784):
    return keras.Sequential([keras.Input(shape=(d,)), keras.layers.Dense(2), keras.layers.Dense(d)])
''',
    "dimension d ignorée": '''
def construire_ae_lineaire(k, d=784):
    return keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(k), keras.layers.Dense(784)])
''',
    "couches dans le mauvais ordre": '''
def construire_ae_lineaire(k, d=784):
    return keras.Sequential([keras.Input(shape=(d,)), keras.layers.Dense(d), keras.layers.Dense(k)])
''',
    "couche Activation tanh ajoutée": '''
def construire_ae_lineaire(k, d=784):
    return keras.Sequential([keras.Input(shape=(d,)), keras.layers.Dense(k),
                             keras.layers.Activation("tanh"), keras.layers.Dense(d)])
''',
    "couche cachée supplémentaire": '''
def construire_ae_lineaire(k, d=784):
    return keras.Sequential([keras.Input(shape=(d,)), keras.layers.Dense(64), keras.layers.Dense(k),
                             keras.layers.Dense(d)])
''',
    # Plages restreintes par une activation égarée (issue 12) : les trois dernières sont presque
    # linéaires pour des entrées d'ordre 1 ; seules de grandes entrées les révèlent.
    "sigmoïde cachée dans le goulot": '''
def construire_ae_lineaire(k, d=784):
    return keras.Sequential([keras.Input(shape=(d,)), keras.layers.Dense(k, activation="sigmoid"), keras.layers.Dense(d)])
''',
    "ReLU en sortie": '''
def construire_ae_lineaire(k, d=784):
    return keras.Sequential([keras.Input(shape=(d,)), keras.layers.Dense(k), keras.layers.Dense(d, activation="relu")])
''',
    "tanh très étirée dans le goulot (linéaire près de 0, bornée à ±1000)": '''
def construire_ae_lineaire(k, d=784):
    return keras.Sequential([keras.Input(shape=(d,)), keras.layers.Dense(k),
                             keras.layers.Lambda(lambda t: 1000.0 * keras.ops.tanh(t / 1000.0)), keras.layers.Dense(d)])
''',
    "sortie coupée dans [-10, 10]": '''
def construire_ae_lineaire(k, d=784):
    entree = keras.Input(shape=(d,))
    sortie = keras.layers.Dense(d)(keras.layers.Dense(k)(entree))
    return keras.Model(entree, keras.layers.Lambda(lambda t: keras.ops.clip(t, -10.0, 10.0))(sortie))
''',
    "softsign très étirée en sortie": '''
def construire_ae_lineaire(k, d=784):
    return keras.Sequential([keras.Input(shape=(d,)), keras.layers.Dense(k), keras.layers.Dense(d),
                             keras.layers.Lambda(lambda t: 1000.0 * keras.ops.softsign(t / 1000.0))])
''',
}

AE_CORRECT = {
    "Sequential": '''
def construire_ae_lineaire(k, d=784):
    return keras.Sequential([keras.Input(shape=(d,)), keras.layers.Dense(k), keras.layers.Dense(d)])
''',
    "activation linéaire explicite, encodeur et décodeur séparés": '''
def construire_ae_lineaire(k, d=784):
    encodeur = keras.Sequential([keras.Input(shape=(d,)), keras.layers.Dense(k, activation="linear")])
    decodeur = keras.Sequential([keras.Input(shape=(k,)), keras.layers.Dense(d, activation=None)])
    entree = keras.Input(shape=(d,))
    return keras.Model(entree, decodeur(encodeur(entree)))
''',
    "couches nommées, couche Activation linéaire séparée": '''
def construire_ae_lineaire(k, d=784):
    x = keras.Input(shape=(d,), name="pixels")
    code = keras.layers.Activation("linear", name="identite")(keras.layers.Dense(k, name="goulot")(x))
    return keras.Model(x, keras.layers.Dense(d, name="reconstruction")(code))
''',
}

CATALOGUE = {
    "acp": (ACP_WRONG, ACP_CORRECT),
    "reconstruire_acp": (RECONSTRUIRE_WRONG, RECONSTRUIRE_CORRECT),
    "construire_ae_lineaire": (AE_WRONG, AE_CORRECT),
}

test_catalogue_is_large_enough, test_every_variant_gets_its_expected_grade = catalogue_tests(ASSIGNMENT, CATALOGUE)
