"""Catalogue de variantes des fonctions notées de 06_applications (``quantifier``,
``dequantifier``, ``auroc``) et de ses réponses de quiz, passées au banc des variantes.

Les erreurs cataloguées sont celles qu'un étudiant fait en écrivant ces fonctions : partie entière
au lieu de l'arrondi, 2**b niveaux au lieu de 2**b − 1 pas, valeurs hors de l'intervalle non
ramenées, bornes par dimension ignorées, type trop petit pour 12 ou 16 bits, niveaux pris au milieu
des cases ; pour l'AUROC, égalités comptées pour 0 ou pour 1, rangs sans moyenne pour les égalités,
courbe ROC qui coupe les égalités, étiquettes inversées, cas sans anomalie non signalé ; pour
le VAE conditionnel, étiquette (ou image, ou code) ignorée, entrées dans l'autre ordre, tête
bornée, tirage oublié, sortie coupée, resserrée ou sans forme d'image.
"""

from variant_harness import catalogue_tests, quiz_variants

ASSIGNMENT = "06_applications"


def quantifier_variant(corps):
    return "def quantifier(codes, bits, mini, maxi):\n" + corps


QUANTIFIER_WRONG = {
    "partie entière au lieu de l'arrondi": quantifier_variant('''
    codes, mini, maxi = np.asarray(codes, float), np.asarray(mini, float), np.asarray(maxi, float)
    return np.floor((np.clip(codes, mini, maxi) - mini) / (maxi - mini) * (2**bits - 1)).astype(np.int64)
'''),
    "2**bits pas au lieu de 2**bits - 1": quantifier_variant('''
    codes, mini, maxi = np.asarray(codes, float), np.asarray(mini, float), np.asarray(maxi, float)
    q = np.rint((np.clip(codes, mini, maxi) - mini) / (maxi - mini) * 2**bits)
    return np.minimum(q, 2**bits - 1).astype(np.int64)
'''),
    "pas de np.clip (valeurs hors de l'intervalle)": quantifier_variant('''
    codes, mini, maxi = np.asarray(codes, float), np.asarray(mini, float), np.asarray(maxi, float)
    return np.rint((codes - mini) / (maxi - mini) * (2**bits - 1)).astype(np.int64)
'''),
    "bornes prises sur les codes au lieu de mini et maxi": quantifier_variant('''
    codes = np.asarray(codes, float)
    bas, haut = codes.min(), codes.max()
    return np.rint((codes - bas) / (haut - bas) * (2**bits - 1)).astype(np.int64)
'''),
    "uint8 quel que soit le nombre de bits": quantifier_variant('''
    codes, mini, maxi = np.asarray(codes, float), np.asarray(mini, float), np.asarray(maxi, float)
    return np.rint((np.clip(codes, mini, maxi) - mini) / (maxi - mini) * (2**bits - 1)).astype(np.uint8)
'''),
    "renvoie des float (pas des entiers)": quantifier_variant('''
    codes, mini, maxi = np.asarray(codes, float), np.asarray(mini, float), np.asarray(maxi, float)
    return np.rint((np.clip(codes, mini, maxi) - mini) / (maxi - mini) * (2**bits - 1))
'''),
    "bits pris pour le nombre de niveaux": quantifier_variant('''
    codes, mini, maxi = np.asarray(codes, float), np.asarray(mini, float), np.asarray(maxi, float)
    return np.rint((np.clip(codes, mini, maxi) - mini) / (maxi - mini) * (bits - 1)).astype(np.int64)
'''),
    "clip en place (modifie codes)": quantifier_variant('''
    np.clip(codes, mini, maxi, out=codes)
    return np.rint((codes - mini) / (np.asarray(maxi) - mini) * (2**bits - 1)).astype(np.int64)
'''),
}

QUANTIFIER_CORRECT = {
    "float32 et np.round": quantifier_variant('''
    codes = np.asarray(codes, np.float32)
    echelle = (np.minimum(np.maximum(codes, mini), maxi) - mini) / (np.float32(maxi) - np.float32(mini))
    return np.round(echelle * (2**bits - 1)).astype(np.int32)
'''),
    "arrondi par floor(x + 0.5), uint16": quantifier_variant('''
    pas = (np.asarray(maxi, float) - mini) / (2**bits - 1)
    return np.floor((np.clip(codes, mini, maxi) - mini) / pas + 0.5).astype(np.uint16 if bits <= 16 else np.uint32)
'''),
    "avec TensorFlow": quantifier_variant('''
    import tensorflow as tf
    codes = tf.convert_to_tensor(codes, tf.float64)
    mini, maxi = tf.cast(mini, tf.float64), tf.cast(maxi, tf.float64)
    q = tf.round((tf.clip_by_value(codes, mini, maxi) - mini) / (maxi - mini) * (2**bits - 1))
    return tf.cast(q, tf.int64).numpy()
'''),
}


def dequantifier_variant(corps):
    return "def dequantifier(indices, bits, mini, maxi):\n" + corps


DEQUANTIFIER_WRONG = {
    "divise par 2**bits (maxi jamais atteint)": dequantifier_variant('''
    return (mini + np.asarray(indices) * (np.asarray(maxi) - mini) / 2**bits).astype(np.float32)
'''),
    "milieu des cases (un demi-pas en plus)": dequantifier_variant('''
    return (mini + (np.asarray(indices) + 0.5) * (np.asarray(maxi) - mini) / 2**bits).astype(np.float32)
'''),
    "oublie mini": dequantifier_variant('''
    return (np.asarray(indices) * (np.asarray(maxi) - mini) / (2**bits - 1)).astype(np.float32)
'''),
    "renvoie des float64": dequantifier_variant('''
    return mini + np.asarray(indices, float) * (np.asarray(maxi, float) - mini) / (2**bits - 1)
'''),
    "division entière": dequantifier_variant('''
    return (mini + np.asarray(indices) // (2**bits - 1) * (np.asarray(maxi) - mini)).astype(np.float32)
'''),
    "bornes mini et maxi échangées": dequantifier_variant('''
    return (maxi - np.asarray(indices) * (np.asarray(maxi) - mini) / (2**bits - 1)).astype(np.float32)
'''),
    "indices ramenés en uint8 (12 et 16 bits débordent)": dequantifier_variant('''
    indices = np.asarray(indices).astype(np.uint8)
    return (mini + indices * (np.asarray(maxi) - mini) / (2**bits - 1)).astype(np.float32)
'''),
}

DEQUANTIFIER_CORRECT = {
    "par np.interp de l'indice réduit": dequantifier_variant('''
    t = np.asarray(indices, np.float64) / (2**bits - 1)
    return ((1 - t) * mini + t * np.asarray(maxi, np.float64)).astype(np.float32)
'''),
    "en float32 de bout en bout": dequantifier_variant('''
    pas = (np.float32(0) + np.asarray(maxi, np.float32) - np.asarray(mini, np.float32)) / np.float32(2**bits - 1)
    return np.asarray(mini, np.float32) + np.asarray(indices).astype(np.float32) * pas
'''),
}


def auroc_variant(corps):
    return "def auroc(scores, etiquettes):\n" + corps


_VERIFIE = '''
    scores = np.asarray(scores, float)
    anomalies = np.asarray(etiquettes).astype(bool)
    if anomalies.all() or not anomalies.any():
        raise ValueError("il faut des anomalies et des images normales")
'''

AUROC_WRONG = {
    "égalités comptées pour 0": auroc_variant(_VERIFIE + '''
    return float(np.mean(scores[anomalies][:, None] > scores[~anomalies][None, :]))
'''),
    "égalités comptées pour 1": auroc_variant(_VERIFIE + '''
    return float(np.mean(scores[anomalies][:, None] >= scores[~anomalies][None, :]))
'''),
    "rangs sans moyenne pour les égalités": auroc_variant(_VERIFIE + '''
    rangs = np.argsort(np.argsort(scores, kind="stable")) + 1
    n_plus, n_moins = anomalies.sum(), (~anomalies).sum()
    return float((rangs[anomalies].sum() - n_plus * (n_plus + 1) / 2) / (n_plus * n_moins))
'''),
    "courbe ROC point par point (coupe les égalités)": auroc_variant(_VERIFIE + '''
    ordre = np.argsort(-scores, kind="stable")
    vrais = np.concatenate([[0], np.cumsum(anomalies[ordre])]) / anomalies.sum()
    faux = np.concatenate([[0], np.cumsum(~anomalies[ordre])]) / (~anomalies).sum()
    return float(np.sum(np.diff(faux) * (vrais[1:] + vrais[:-1]) / 2))
'''),
    "étiquettes inversées (1 = normale)": auroc_variant(_VERIFIE + '''
    plus, moins = scores[~anomalies][:, None], scores[anomalies][None, :]
    return float(np.mean((plus > moins) + 0.5 * (plus == moins)))
'''),
    "somme des rangs sans retirer n₊(n₊ + 1)/2": auroc_variant(_VERIFIE + '''
    valeurs, position, effectifs = np.unique(scores, return_inverse=True, return_counts=True)
    rangs = (np.cumsum(effectifs) - (effectifs - 1) / 2)[position]
    return float(rangs[anomalies].sum() / (anomalies.sum() * (~anomalies).sum()))
'''),
    "exactitude au seuil médian": auroc_variant(_VERIFIE + '''
    return float(np.mean((scores > np.median(scores)) == anomalies))
'''),
    "pas d'erreur sans anomalie (renvoie nan)": auroc_variant('''
    scores = np.asarray(scores, float)
    anomalies = np.asarray(etiquettes).astype(bool)
    plus, moins = scores[anomalies][:, None], scores[~anomalies][None, :]
    if plus.size == 0 or moins.size == 0:
        return float("nan")
    return float(np.mean((plus > moins) + 0.5 * (plus == moins)))
'''),
}

AUROC_CORRECT = {
    "toutes les paires": auroc_variant(_VERIFIE + '''
    plus, moins = scores[anomalies][:, None], scores[~anomalies][None, :]
    return float(np.mean(plus > moins) + 0.5 * np.mean(plus == moins))
'''),
    "courbe ROC par seuils distincts et trapèzes": auroc_variant(_VERIFIE + '''
    seuils = np.unique(scores)[::-1]
    vrais = np.array([0.0] + [np.mean(scores[anomalies] >= s) for s in seuils])
    faux = np.array([0.0] + [np.mean(scores[~anomalies] >= s) for s in seuils])
    return float(np.sum(np.diff(faux) * (vrais[1:] + vrais[:-1]) / 2))
'''),
    "double boucle Python": auroc_variant('''
    scores = [float(s) for s in scores]
    anomalies = [bool(e) for e in etiquettes]
    plus = [s for s, a in zip(scores, anomalies) if a]
    moins = [s for s, a in zip(scores, anomalies) if not a]
    if not plus or not moins:
        raise ValueError("AUROC indéfinie : il manque des anomalies ou des images normales")
    total = 0.0
    for p in plus:
        total += sum(1.0 if p > m else 0.5 if p == m else 0.0 for m in moins)
    return total / (len(plus) * len(moins))
'''),
}


def encodeur_variant(corps):
    return ("def encodeur_conditionnel(latent_dim):\n"
            "    image, etiquette = keras.Input(shape=(28, 28, 1)), keras.Input(shape=(10,))\n" + corps)


def _tetes(z_mean="", z_log_var=""):
    return f"""
    z_mean = keras.layers.Dense(latent_dim{z_mean})(h)
    z_log_var = keras.layers.Dense(latent_dim{z_log_var})(h)
    return keras.Model([image, etiquette], [z_mean, z_log_var, Echantillonnage()([z_mean, z_log_var])])
"""


_CACHEES = """
    h = keras.layers.Dense(256, activation="relu")(h)
    h = keras.layers.Dense(128, activation="relu")(h)"""
_ENTREE = """
    h = keras.layers.Concatenate()([keras.layers.Flatten()(image), etiquette])"""

ENCODEUR_WRONG = {
    "étiquette ignorée": encodeur_variant("""
    h = keras.layers.Flatten()(image)""" + _CACHEES + """
    z_mean = keras.layers.Dense(latent_dim)(h)
    z_log_var = keras.layers.Dense(latent_dim)(h)
    modele = keras.Model(image, [z_mean, z_log_var, Echantillonnage()([z_mean, z_log_var])])
    return keras.Model([image, etiquette], modele(image))
"""),
    "image ignorée": encodeur_variant("""
    h = etiquette""" + _CACHEES + _tetes()),
    "entrées dans l'autre ordre": encodeur_variant(_ENTREE + _CACHEES + """
    z_mean = keras.layers.Dense(latent_dim)(h)
    z_log_var = keras.layers.Dense(latent_dim)(h)
    return keras.Model([etiquette, image], [z_mean, z_log_var, Echantillonnage()([z_mean, z_log_var])])
"""),
    "ReLU sur z_log_var": encodeur_variant(_ENTREE + _CACHEES + _tetes(z_log_var=', activation="relu"')),
    "tanh sur z_mean": encodeur_variant(_ENTREE + _CACHEES + _tetes(z_mean=', activation="tanh"')),
    "z = z_mean, sans tirage": encodeur_variant(_ENTREE + _CACHEES + """
    z_mean = keras.layers.Dense(latent_dim)(h)
    z_log_var = keras.layers.Dense(latent_dim)(h)
    return keras.Model([image, etiquette], [z_mean, z_log_var, z_mean])
"""),
    "une seule tête pour les deux": encodeur_variant(_ENTREE + _CACHEES + """
    z_mean = keras.layers.Dense(latent_dim)(h)
    return keras.Model([image, etiquette], [z_mean, z_mean, Echantillonnage()([z_mean, z_mean])])
"""),
    "deux sorties seulement": encodeur_variant(_ENTREE + _CACHEES + """
    return keras.Model([image, etiquette], [keras.layers.Dense(latent_dim)(h), keras.layers.Dense(latent_dim)(h)])
"""),
}

ENCODEUR_CORRECT = {
    "convolutif, étiquette en canaux": encodeur_variant("""
    canaux = keras.layers.UpSampling2D(28)(keras.layers.Reshape((1, 1, 10))(etiquette))
    h = keras.layers.Concatenate()([image, canaux])
    h = keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(h)
    h = keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(h)
    h = keras.layers.Dense(64, activation="relu")(keras.layers.Flatten()(h))""" + _tetes()),
    "étiquette après la première couche": encodeur_variant("""
    h = keras.layers.Dense(256, activation="relu")(keras.layers.Flatten()(image))
    h = keras.layers.Concatenate()([h, etiquette])
    h = keras.layers.Dense(128, activation="relu")(h)""" + _tetes()),
    "une Dense(2·latent_dim) coupée en deux": encodeur_variant(_ENTREE + _CACHEES + """
    deux = keras.layers.Dense(2 * latent_dim)(h)
    z_mean, z_log_var = deux[:, :latent_dim], deux[:, latent_dim:]
    return keras.Model([image, etiquette], [z_mean, z_log_var, Echantillonnage()([z_mean, z_log_var])])
"""),
}


def decodeur_variant(corps):
    return ("def decodeur_conditionnel(latent_dim):\n"
            "    z, etiquette = keras.Input(shape=(latent_dim,)), keras.Input(shape=(10,))\n" + corps)


_MILIEU = """
    h = keras.layers.Dense(128, activation="relu")(h)
    h = keras.layers.Dense(256, activation="relu")(h)"""
_CONCAT = """
    h = keras.layers.Concatenate()([z, etiquette])"""


def _sortie(activation='"sigmoid"', apres="", entrees="[z, etiquette]"):
    return f"""
    sortie = keras.layers.Dense(784, activation={activation})(h){apres}
    return keras.Model({entrees}, keras.layers.Reshape((28, 28, 1))(sortie))
"""


DECODEUR_WRONG = {
    "étiquette ignorée": decodeur_variant("""
    h = z""" + _MILIEU + """
    modele = keras.Model(z, keras.layers.Reshape((28, 28, 1))(keras.layers.Dense(784, activation="sigmoid")(h)))
    return keras.Model([z, etiquette], modele(z))
"""),
    "code z ignoré": decodeur_variant("""
    h = etiquette""" + _MILIEU + _sortie()),
    "entrées dans l'autre ordre": decodeur_variant(_CONCAT + _MILIEU + _sortie(entrees="[etiquette, z]")),
    "sortie linéaire, sans sigmoïde": decodeur_variant(_CONCAT + _MILIEU + _sortie(activation="None")),
    "sigmoïde coupée à [0,05 ; 0,95]": decodeur_variant(
        _CONCAT + _MILIEU + _sortie(apres="\n    sortie = keras.ops.clip(sortie, 0.05, 0.95)")),
    "0,98·sigmoïde + 0,01": decodeur_variant(_CONCAT + _MILIEU + _sortie(apres="\n    sortie = 0.98 * sortie + 0.01")),
    "ReLU en sortie": decodeur_variant(_CONCAT + _MILIEU + _sortie(activation='"relu"')),
    "sortie (784,) sans Reshape": decodeur_variant(_CONCAT + _MILIEU + """
    return keras.Model([z, etiquette], keras.layers.Dense(784, activation="sigmoid")(h))
"""),
}

DECODEUR_CORRECT = {
    "convolution transposée, étiquette en canaux": decodeur_variant(_CONCAT + """
    h = keras.layers.Reshape((7, 7, 16))(keras.layers.Dense(7 * 7 * 16, activation="relu")(h))
    canaux = keras.layers.UpSampling2D(7)(keras.layers.Reshape((1, 1, 10))(etiquette))
    h = keras.layers.Concatenate()([h, canaux])
    h = keras.layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(h)
    sortie = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")(h)
    return keras.Model([z, etiquette], sortie)
"""),
    "étiquette aux deux couches cachées": decodeur_variant(_CONCAT + """
    h = keras.layers.Dense(128, activation="relu")(h)
    h = keras.layers.Dense(256, activation="relu")(keras.layers.Concatenate()([h, etiquette]))""" + _sortie()),
    "sortie coupée à [1e-7 ; 1 − 1e-7]": decodeur_variant(
        _CONCAT + _MILIEU + _sortie(apres="\n    sortie = keras.ops.clip(sortie, 1e-7, 1 - 1e-7)")),
}


QUIZ = {"reponse_q1": quiz_variants("reponse_q1", "b"), "reponse_q2": quiz_variants("reponse_q2", "c"),
        "reponse_q3": quiz_variants("reponse_q3", "b"), "reponse_q4": quiz_variants("reponse_q4", "b")}

CATALOGUE = {
    "quantifier": (QUANTIFIER_WRONG, QUANTIFIER_CORRECT),
    "dequantifier": (DEQUANTIFIER_WRONG, DEQUANTIFIER_CORRECT),
    "auroc": (AUROC_WRONG, AUROC_CORRECT),
    "encodeur_conditionnel": (ENCODEUR_WRONG, ENCODEUR_CORRECT),
    "decodeur_conditionnel": (DECODEUR_WRONG, DECODEUR_CORRECT),
    **QUIZ,
}

test_catalogue_is_large_enough, test_every_variant_gets_its_expected_grade = catalogue_tests(ASSIGNMENT, CATALOGUE)
