"""Catalogue de variantes de ``normaliser`` (00_prise_en_main) passées au banc des variantes.

Chaque mauvaise réponse doit échouer à au moins une cellule ``test_normaliser*`` ; chaque réponse
juste (différente de la référence) doit les réussir toutes.
"""

from variant_harness import catalogue_tests

ASSIGNMENT = "00_prise_en_main"

WRONG = {
    "sans axe des canaux": '''
def normaliser(images):
    return np.asarray(images, dtype=np.float32) / 255.0
''',
    "canal en premier": '''
def normaliser(images):
    return (np.asarray(images, dtype=np.float32) / 255.0)[:, np.newaxis]
''',
    "division par 256": '''
def normaliser(images):
    return (np.asarray(images, dtype=np.float32) / 256.0)[..., np.newaxis]
''',
    "float64 au lieu de float32": '''
def normaliser(images):
    return (np.asarray(images) / 255.0)[..., np.newaxis]
''',
    "division entière": '''
def normaliser(images):
    return (np.asarray(images) // 255).astype(np.float32)[..., np.newaxis]
''',
    "min-max par image": '''
def normaliser(images):
    x = np.asarray(images, dtype=np.float32)
    bas = x.min(axis=(1, 2), keepdims=True)
    haut = x.max(axis=(1, 2), keepdims=True)
    return ((x - bas) / np.maximum(haut - bas, 1))[..., np.newaxis]
''',
    "taille de lot figée à 2": '''
def normaliser(images):
    return (np.asarray(images, dtype=np.float32) / 255.0).reshape(2, 28, 28, 1)
''',
    "refuse les tenseurs TensorFlow": '''
def normaliser(images):
    return (images.astype(np.float32) / 255.0)[..., np.newaxis]
''',
    "modifie son argument": '''
def normaliser(images):
    sortie = (np.asarray(images, dtype=np.float32) / 255.0)[..., np.newaxis]
    if isinstance(images, np.ndarray):
        images[:] = 0
    return sortie
''',
    "fonction non écrite (amorce)": '''
def normaliser(images):
    # VOTRE CODE ICI
    raise NotImplementedError()
''',
}

CORRECT = {
    "expand_dims puis division": '''
def normaliser(images):
    return np.expand_dims(np.asarray(images, dtype=np.float32), -1) / np.float32(255)
''',
    "TensorFlow de bout en bout": '''
import tensorflow as tf

def normaliser(images):
    return tf.cast(images, tf.float32)[..., tf.newaxis] / 255.0
''',
    "reshape et multiplication": '''
def normaliser(images):
    x = np.array(images).reshape(-1, 28, 28, 1)
    return x.astype("float32") * (1 / 255)
''',
}

CATALOGUE = {"normaliser": (WRONG, CORRECT)}

test_catalogue_is_large_enough, test_every_variant_gets_its_expected_grade = catalogue_tests(ASSIGNMENT, CATALOGUE)
