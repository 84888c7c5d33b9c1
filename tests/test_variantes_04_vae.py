"""Catalogue de variantes des fonctions notées de 04_vae, passées au banc des variantes.

Chaque mauvaise réponse doit échouer à au moins une cellule ``test_<fonction>*`` ; chaque réponse
juste (différente de la référence) doit les réussir toutes. Les erreurs cataloguées sont celles que
l'énoncé du notebook 04 et le contrat demandent d'attraper.
"""

from variant_harness import catalogue_tests, quiz_variants

ASSIGNMENT = "04_vae"

ECHANTILLONNAGE_WRONG = {
    "exp(z_log_var) au lieu de exp(0,5·z_log_var)": '''
def echantillonnage(z_mean, z_log_var):
    return z_mean + keras.ops.exp(z_log_var) * keras.random.normal(keras.ops.shape(z_mean))
''',
    "sqrt(z_log_var)": '''
def echantillonnage(z_mean, z_log_var):
    return z_mean + keras.ops.sqrt(z_log_var) * keras.random.normal(keras.ops.shape(z_mean))
''',
    "bruit partagé par tout le lot": '''
def echantillonnage(z_mean, z_log_var):
    eps = tf.random.normal((1, tf.shape(z_mean)[1]))
    return z_mean + tf.exp(0.5 * z_log_var) * eps
''',
    "bruit partagé par toutes les dimensions": '''
def echantillonnage(z_mean, z_log_var):
    eps = tf.random.normal((tf.shape(z_mean)[0], 1))
    return z_mean + tf.exp(0.5 * z_log_var) * eps
''',
    "bruit tiré avec NumPy": '''
def echantillonnage(z_mean, z_log_var):
    eps = np.random.normal(size=z_mean.shape).astype("float32")
    return z_mean + keras.ops.exp(0.5 * z_log_var) * eps
''',
    "renvoie z_mean": '''
def echantillonnage(z_mean, z_log_var):
    return z_mean
''',
    "ajoute la variance au lieu de l'écart-type": '''
def echantillonnage(z_mean, z_log_var):
    return z_mean + keras.ops.exp(z_log_var) + keras.random.normal(keras.ops.shape(z_mean))
''',
    "gradient coupé vers z_log_var": '''
def echantillonnage(z_mean, z_log_var):
    sigma = tf.stop_gradient(tf.exp(0.5 * z_log_var))
    return z_mean + sigma * tf.random.normal(tf.shape(z_mean))
''',
    "graine fixe à chaque appel": '''
def echantillonnage(z_mean, z_log_var):
    return z_mean + keras.ops.exp(0.5 * z_log_var) * keras.random.normal(keras.ops.shape(z_mean), seed=0)
''',
    "ε de forme statique tuple(z_mean.shape) (lot inconnu refusé)": '''
def echantillonnage(z_mean, z_log_var):
    epsilon = keras.random.normal(tuple(z_mean.shape), seed=generateur_bruit)
    return z_mean + keras.ops.exp(0.5 * z_log_var) * epsilon
''',
    "ε de forme statique z_mean.shape avec tf.random.normal (lot inconnu refusé)": '''
def echantillonnage(z_mean, z_log_var):
    return z_mean + tf.exp(0.5 * z_log_var) * tf.random.normal(z_mean.shape)
''',
}

ECHANTILLONNAGE_CORRECT = {
    "tf.random.normal": '''
def echantillonnage(z_mean, z_log_var):
    return z_mean + tf.exp(0.5 * z_log_var) * tf.random.normal(tf.shape(z_mean))
''',
    "keras.random.normal sans graine, sqrt(exp(v))": '''
def echantillonnage(z_mean, z_log_var):
    eps = keras.random.normal(keras.ops.shape(z_mean))
    return z_mean + keras.ops.sqrt(keras.ops.exp(z_log_var)) * eps
''',
    "SeedGenerator propre et exp(v / 2)": '''
mon_generateur = keras.random.SeedGenerator(7)

def echantillonnage(z_mean, z_log_var):
    z_mean = keras.ops.convert_to_tensor(z_mean)
    eps = keras.random.normal(keras.ops.shape(z_mean), seed=mon_generateur)
    return keras.ops.add(z_mean, keras.ops.multiply(keras.ops.exp(z_log_var / 2), eps))
''',
    "keras.random.normal(keras.ops.shape(z_mean), seed=generateur_bruit)": '''
def echantillonnage(z_mean, z_log_var):
    epsilon = keras.random.normal(keras.ops.shape(z_mean), seed=generateur_bruit)
    return z_mean + keras.ops.exp(0.5 * z_log_var) * epsilon
''',
    "lot dynamique, dimension latente statique": '''
def echantillonnage(z_mean, z_log_var):
    eps = tf.random.normal((tf.shape(z_mean)[0], z_mean.shape[-1]))
    return z_mean + tf.exp(0.5 * z_log_var) * eps
''',
}

KL_WRONG = {
    "erreur de signe": '''
def divergence_kl(z_mean, z_log_var):
    return 0.5 * keras.ops.sum(1 + z_log_var - keras.ops.square(z_mean) - keras.ops.exp(z_log_var), axis=1)
''',
    "sans le facteur ½": '''
def divergence_kl(z_mean, z_log_var):
    return -keras.ops.sum(1 + z_log_var - keras.ops.square(z_mean) - keras.ops.exp(z_log_var), axis=1)
''',
    "moyenne au lieu de somme sur les dimensions": '''
def divergence_kl(z_mean, z_log_var):
    return -0.5 * keras.ops.mean(1 + z_log_var - keras.ops.square(z_mean) - keras.ops.exp(z_log_var), axis=1)
''',
    "somme sur le lot": '''
def divergence_kl(z_mean, z_log_var):
    return -0.5 * keras.ops.sum(1 + z_log_var - keras.ops.square(z_mean) - keras.ops.exp(z_log_var))
''',
    "z_log_var² pour la variance": '''
def divergence_kl(z_mean, z_log_var):
    return -0.5 * keras.ops.sum(1 + z_log_var - keras.ops.square(z_mean) - keras.ops.square(z_log_var), axis=1)
''',
    "sans le « 1 + »": '''
def divergence_kl(z_mean, z_log_var):
    return -0.5 * keras.ops.sum(z_log_var - keras.ops.square(z_mean) - keras.ops.exp(z_log_var), axis=1)
''',
    "écrite avec NumPy": '''
def divergence_kl(z_mean, z_log_var):
    m, v = np.asarray(z_mean), np.asarray(z_log_var)
    return -0.5 * np.sum(1 + v - m ** 2 - np.exp(v), axis=1)
''',
    "moyenne sur le lot lue dans la forme statique (lot inconnu refusé)": '''
def divergence_kl(z_mean, z_log_var):
    termes = keras.ops.square(z_mean) + keras.ops.exp(z_log_var) - 1.0 - z_log_var
    return 0.5 * keras.ops.reshape(keras.ops.sum(termes, axis=1), (z_mean.shape[0],))
''',
    # Un encodeur entraîné sort des log-variances bien plus négatives que −3 (σ de quelques
    # centièmes) : une KL qui coupe z_log_var se trompe sur ces codes-là.
    "z_log_var coupé dans [−5 ; 5] dans la KL": '''
def divergence_kl(z_mean, z_log_var):
    v = keras.ops.clip(z_log_var, -5.0, 5.0)
    return -0.5 * keras.ops.sum(1 + v - keras.ops.square(z_mean) - keras.ops.exp(v), axis=1)
''',
    "σ² coupé à 10⁻² (log de σ² + 10⁻²)": '''
def divergence_kl(z_mean, z_log_var):
    var = keras.ops.exp(z_log_var)
    return 0.5 * keras.ops.sum(keras.ops.square(z_mean) + var - 1 - keras.ops.log(var + 1e-2), axis=1)
''',
}

KL_CORRECT = {
    "TensorFlow": '''
def divergence_kl(z_mean, z_log_var):
    return 0.5 * tf.reduce_sum(tf.square(z_mean) + tf.exp(z_log_var) - 1.0 - z_log_var, axis=-1)
''',
    "keras.ops, somme de termes": '''
def divergence_kl(z_mean, z_log_var):
    termes = keras.ops.exp(z_log_var) + z_mean * z_mean - z_log_var - 1
    return keras.ops.sum(termes, axis=-1) / 2
''',
    "par σ = exp(½ z_log_var), log σ² = 2 log σ": '''
def divergence_kl(z_mean, z_log_var):
    sigma = keras.ops.exp(0.5 * z_log_var)
    return keras.ops.sum(0.5 * (keras.ops.square(z_mean) + keras.ops.square(sigma)) - 0.5 - keras.ops.log(sigma), axis=1)
''',
}

RECONSTRUCTION_WRONG = {
    "moyenne au lieu de somme sur les pixels": '''
def perte_reconstruction(x, x_reconstruit):
    return keras.ops.mean(keras.losses.binary_crossentropy(x, x_reconstruit), axis=(1, 2))
''',
    "arguments inversés": '''
def perte_reconstruction(x, x_reconstruit):
    return keras.ops.sum(keras.losses.binary_crossentropy(x_reconstruit, x), axis=(1, 2))
''',
    "somme sur le lot": '''
def perte_reconstruction(x, x_reconstruit):
    return keras.ops.sum(keras.losses.binary_crossentropy(x, x_reconstruit))
''',
    "erreur quadratique au lieu de l'entropie croisée": '''
def perte_reconstruction(x, x_reconstruit):
    return keras.ops.sum(keras.ops.square(x - x_reconstruit), axis=(1, 2, 3))
''',
    "oublie le terme (1 − x)": '''
def perte_reconstruction(x, x_reconstruit):
    return -keras.ops.sum(x * keras.ops.log(x_reconstruit), axis=(1, 2, 3))
''',
    "écrite avec NumPy": '''
def perte_reconstruction(x, x_reconstruit):
    x, xr = np.asarray(x), np.asarray(x_reconstruit)
    return -np.sum(x * np.log(xr) + (1 - x) * np.log(1 - xr), axis=(1, 2, 3))
''',
    "une valeur par ligne de pixels": '''
def perte_reconstruction(x, x_reconstruit):
    return keras.ops.sum(keras.losses.binary_crossentropy(x, x_reconstruit), axis=2)
''',
    "probabilités coupées à [0,01 ; 0,99] (fausse dès que le décodeur est sûr de lui)": '''
def perte_reconstruction(x, x_reconstruit):
    p = keras.ops.clip(x_reconstruit, 1e-2, 1 - 1e-2)
    return -keras.ops.sum(x * keras.ops.log(p) + (1 - x) * keras.ops.log(1 - p), axis=(1, 2, 3))
''',
    "probabilités coupées à [10⁻³ ; 1 − 10⁻³]": '''
def perte_reconstruction(x, x_reconstruit):
    p = keras.ops.clip(x_reconstruit, 1e-3, 1 - 1e-3)
    return -keras.ops.sum(x * keras.ops.log(p) + (1 - x) * keras.ops.log(1 - p), axis=(1, 2, 3))
''',
    "log(p + 10⁻³) et log(1 − p + 10⁻³)": '''
def perte_reconstruction(x, x_reconstruit):
    p = x_reconstruit
    return -tf.reduce_sum(x * tf.math.log(p + 1e-3) + (1 - x) * tf.math.log(1 - p + 1e-3), axis=[1, 2, 3])
''',
    "nombre d'images lu dans la forme statique (lot inconnu refusé)": '''
def perte_reconstruction(x, x_reconstruit):
    lot = x.shape[0]
    pertes = keras.losses.binary_crossentropy(keras.ops.reshape(x, (lot, 784, 1)), keras.ops.reshape(x_reconstruit, (lot, 784, 1)))
    return keras.ops.sum(pertes, axis=1)
''',
}

RECONSTRUCTION_CORRECT = {
    "formule avec tf et clip": '''
def perte_reconstruction(x, x_reconstruit):
    xr = tf.clip_by_value(x_reconstruit, 1e-7, 1 - 1e-7)
    return -tf.reduce_sum(x * tf.math.log(xr) + (1 - x) * tf.math.log(1 - xr), axis=[1, 2, 3])
''',
    "images aplaties, 784 fois la moyenne": '''
def perte_reconstruction(x, x_reconstruit):
    a = keras.ops.reshape(x, (-1, 784))
    b = keras.ops.reshape(x_reconstruit, (-1, 784))
    return 784.0 * keras.losses.binary_crossentropy(a, b)
''',
    "keras.ops.binary_crossentropy, somme sur (1, 2, 3)": '''
def perte_reconstruction(x, x_reconstruit):
    return keras.ops.sum(keras.ops.binary_crossentropy(x, x_reconstruit), axis=(1, 2, 3))
''',
    "formule à la main, log(p + 10⁻⁷)": '''
def perte_reconstruction(x, x_reconstruit):
    p = x_reconstruit
    termes = x * keras.ops.log(p + 1e-7) + (1 - x) * keras.ops.log(1 - p + 1e-7)
    return -keras.ops.sum(keras.ops.reshape(termes, (-1, 784)), axis=1)
''',
    "keras.losses.BinaryCrossentropy sans réduction": '''
def perte_reconstruction(x, x_reconstruit):
    bce = keras.losses.BinaryCrossentropy(reduction=None)
    return keras.ops.sum(bce(x, x_reconstruit), axis=(1, 2))
''',
}

def encodeur_a_tetes(moyenne="", log_var=""):
    """Un encodeur juste, sauf les arguments ajoutés aux couches Dense de z_mean et de z_log_var."""
    return f'''
def construire_encodeur(latent_dim):
    entree = keras.Input(shape=(28, 28, 1))
    h = keras.layers.Dense(64, activation="relu")(keras.layers.Flatten()(entree))
    z_mean = keras.layers.Dense(latent_dim{moyenne})(h)
    z_log_var = keras.layers.Dense(latent_dim{log_var})(h)
    return keras.Model(entree, [z_mean, z_log_var, Echantillonnage()([z_mean, z_log_var])])
'''


ENCODEUR_WRONG = {
    "une seule sortie": '''
def construire_encodeur(latent_dim):
    entree = keras.Input(shape=(28, 28, 1))
    h = keras.layers.Dense(64, activation="relu")(keras.layers.Flatten()(entree))
    z_mean = keras.layers.Dense(latent_dim)(h)
    z_log_var = keras.layers.Dense(latent_dim)(h)
    return keras.Model(entree, Echantillonnage()([z_mean, z_log_var]))
''',
    "deux sorties, sans z": '''
def construire_encodeur(latent_dim):
    entree = keras.Input(shape=(28, 28, 1))
    h = keras.layers.Dense(64, activation="relu")(keras.layers.Flatten()(entree))
    return keras.Model(entree, [keras.layers.Dense(latent_dim)(h), keras.layers.Dense(latent_dim)(h)])
''',
    "dimension latente figée à 2": '''
def construire_encodeur(latent_dim):
    entree = keras.Input(shape=(28, 28, 1))
    h = keras.layers.Dense(64, activation="relu")(keras.layers.Flatten()(entree))
    z_mean, z_log_var = keras.layers.Dense(2)(h), keras.layers.Dense(2)(h)
    return keras.Model(entree, [z_mean, z_log_var, Echantillonnage()([z_mean, z_log_var])])
''',
    "z = z_mean (pas de tirage)": '''
def construire_encodeur(latent_dim):
    entree = keras.Input(shape=(28, 28, 1))
    h = keras.layers.Dense(64, activation="relu")(keras.layers.Flatten()(entree))
    z_mean, z_log_var = keras.layers.Dense(latent_dim)(h), keras.layers.Dense(latent_dim)(h)
    return keras.Model(entree, [z_mean, z_log_var, z_mean])
''',
    "une seule couche pour μ et log σ²": '''
def construire_encodeur(latent_dim):
    entree = keras.Input(shape=(28, 28, 1))
    h = keras.layers.Dense(64, activation="relu")(keras.layers.Flatten()(entree))
    tete = keras.layers.Dense(latent_dim)
    z_mean, z_log_var = tete(h), tete(h)
    return keras.Model(entree, [z_mean, z_log_var, Echantillonnage()([z_mean, z_log_var])])
''',
    "sorties dans le désordre (z d'abord)": '''
def construire_encodeur(latent_dim):
    entree = keras.Input(shape=(28, 28, 1))
    h = keras.layers.Dense(64, activation="relu")(keras.layers.Flatten()(entree))
    z_mean, z_log_var = keras.layers.Dense(latent_dim)(h), keras.layers.Dense(latent_dim)(h)
    return keras.Model(entree, [Echantillonnage()([z_mean, z_log_var]), z_mean, z_log_var])
''',
    "entrée aplatie (784,)": '''
def construire_encodeur(latent_dim):
    entree = keras.Input(shape=(784,))
    h = keras.layers.Dense(64, activation="relu")(entree)
    z_mean, z_log_var = keras.layers.Dense(latent_dim)(h), keras.layers.Dense(latent_dim)(h)
    return keras.Model(entree, [z_mean, z_log_var, Echantillonnage()([z_mean, z_log_var])])
''',
    # Une activation égarée sur une tête restreint sa plage (issue 12) : z_log_var ≥ 0 donne σ ≥ 1
    # pour toute image, z_mean ≥ 0 ou borné ne place pas les images partout où N(0, I) tire.
    "ReLU sur z_log_var (σ ≥ 1)": encodeur_a_tetes(log_var=', activation="relu"'),
    "softplus sur z_log_var (σ > 1)": encodeur_a_tetes(log_var=', activation="softplus"'),
    "exponentielle sur z_log_var": encodeur_a_tetes(log_var=', activation="exponential"'),
    "tanh sur z_log_var (σ² entre 1/e et e)": encodeur_a_tetes(log_var=', activation="tanh"'),
    "ReLU sur z_mean": encodeur_a_tetes(moyenne=', activation="relu"'),
    "sigmoïde sur z_mean": encodeur_a_tetes(moyenne=', activation="sigmoid"'),
    "tanh sur z_mean (μ entre −1 et 1)": encodeur_a_tetes(moyenne=', activation="tanh"'),
    "z_log_var coupé dans [−3 ; 3] (σ jamais sous 0,22)": '''
def construire_encodeur(latent_dim):
    entree = keras.Input(shape=(28, 28, 1))
    h = keras.layers.Dense(64, activation="relu")(keras.layers.Flatten()(entree))
    z_mean = keras.layers.Dense(latent_dim)(h)
    z_log_var = keras.layers.Lambda(lambda t: keras.ops.clip(t, -3.0, 3.0))(keras.layers.Dense(latent_dim)(h))
    return keras.Model(entree, [z_mean, z_log_var, Echantillonnage()([z_mean, z_log_var])])
''',
    "3·tanh sur z_log_var": '''
def construire_encodeur(latent_dim):
    entree = keras.Input(shape=(28, 28, 1))
    h = keras.layers.Dense(64, activation="relu")(keras.layers.Flatten()(entree))
    z_mean = keras.layers.Dense(latent_dim)(h)
    z_log_var = keras.layers.Rescaling(3.0)(keras.layers.Dense(latent_dim, activation="tanh")(h))
    return keras.Model(entree, [z_mean, z_log_var, Echantillonnage()([z_mean, z_log_var])])
''',
    "ReLU sur z": '''
def construire_encodeur(latent_dim):
    entree = keras.Input(shape=(28, 28, 1))
    h = keras.layers.Dense(64, activation="relu")(keras.layers.Flatten()(entree))
    z_mean, z_log_var = keras.layers.Dense(latent_dim)(h), keras.layers.Dense(latent_dim)(h)
    z = keras.layers.ReLU()(Echantillonnage()([z_mean, z_log_var]))
    return keras.Model(entree, [z_mean, z_log_var, z])
''',
}

ENCODEUR_CORRECT = {
    "convolutif": '''
def construire_encodeur(latent_dim):
    entree = keras.Input(shape=(28, 28, 1))
    h = keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(entree)
    h = keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(h)
    h = keras.layers.Dense(32, activation="relu")(keras.layers.Flatten()(h))
    z_mean = keras.layers.Dense(latent_dim)(h)
    z_log_var = keras.layers.Dense(latent_dim)(h)
    return keras.Model(entree, [z_mean, z_log_var, Echantillonnage()([z_mean, z_log_var])])
''',
    "convolutif avec MaxPooling2D, puis une couche dense": '''
def construire_encodeur(latent_dim):
    entree = keras.Input(shape=(28, 28, 1))
    h = keras.layers.Conv2D(16, 3, padding="same", activation="relu")(entree)
    h = keras.layers.MaxPooling2D(2)(h)                                          # 14 × 14 × 16
    h = keras.layers.MaxPooling2D(2)(keras.layers.Conv2D(32, 3, padding="same", activation="relu")(h))
    h = keras.layers.Dense(64, activation="relu")(keras.layers.Flatten()(h))     # 7 · 7 · 32 → 64
    z_mean, z_log_var = keras.layers.Dense(latent_dim)(h), keras.layers.Dense(latent_dim)(h)
    return keras.Model(entree, [z_mean, z_log_var, Echantillonnage()([z_mean, z_log_var])])
''',
    "tronc Sequential (largeurs 256 et 128, elu), têtes nommées": '''
def construire_encodeur(latent_dim):
    tronc = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(256, activation="elu"),
                              keras.layers.Dense(128, activation="elu")], name="tronc")
    image = keras.Input(shape=(28, 28, 1))
    h = tronc(image)
    mu = keras.layers.Dense(latent_dim, name="mu")(h)
    log_sigma2 = keras.layers.Dense(latent_dim, name="log_sigma2")(h)
    return keras.Model(image, [mu, log_sigma2, Echantillonnage()([mu, log_sigma2])])
''',
    "tirage dans une couche Lambda": '''
def construire_encodeur(latent_dim):
    entree = keras.Input(shape=(28, 28, 1))
    h = keras.layers.Dense(128, activation="relu")(keras.layers.Flatten()(entree))
    z_mean = keras.layers.Dense(latent_dim, name="moyenne")(h)
    z_log_var = keras.layers.Dense(latent_dim, name="log_variance")(h)
    z = keras.layers.Lambda(lambda t: echantillonnage(t[0], t[1]))([z_mean, z_log_var])
    return keras.Model(entree, [z_mean, z_log_var, z])
''',
    "z_log_var coupé dans [−10, 10] (stabilité numérique)": '''
def construire_encodeur(latent_dim):
    entree = keras.Input(shape=(28, 28, 1))
    h = keras.layers.Dense(128, activation="relu")(keras.layers.Flatten()(entree))
    z_mean = keras.layers.Dense(latent_dim)(h)
    z_log_var = keras.layers.Lambda(lambda t: keras.ops.clip(t, -10.0, 10.0))(keras.layers.Dense(latent_dim)(h))
    return keras.Model(entree, [z_mean, z_log_var, Echantillonnage()([z_mean, z_log_var])])
''',
    "une Dense(2·latent_dim) coupée en deux, couches cachées tanh et BatchNormalization": '''
def construire_encodeur(latent_dim):
    entree = keras.Input(shape=(28, 28, 1), name="image")
    h = keras.layers.Dense(64, activation="tanh", name="cachee")(keras.layers.Flatten()(entree))
    h = keras.layers.BatchNormalization(name="normalisation")(h)
    parametres = keras.layers.Dense(2 * latent_dim, name="parametres")(h)
    z_mean, z_log_var = parametres[:, :latent_dim], parametres[:, latent_dim:]
    return keras.Model(entree, [z_mean, z_log_var, Echantillonnage(name="tirage")([z_mean, z_log_var])])
''',
}

DECODEUR_WRONG = {
    "sortie (batch, 784)": '''
def construire_decodeur(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(784, activation="sigmoid")])
''',
    "sortie (batch, 28, 28)": '''
def construire_decodeur(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(784, activation="sigmoid"), keras.layers.Reshape((28, 28))])
''',
    "images 14 × 14": '''
def construire_decodeur(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), keras.layers.Dense(7 * 7 * 8, activation="relu"),
                             keras.layers.Reshape((7, 7, 8)),
                             keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")])
''',
    "images 32 × 32": '''
def construire_decodeur(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), keras.layers.Dense(4 * 4 * 8, activation="relu"),
                             keras.layers.Reshape((4, 4, 8)), keras.layers.UpSampling2D(8),
                             keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")])
''',
    "sans sigmoïde": '''
def construire_decodeur(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(784), keras.layers.Reshape((28, 28, 1))])
''',
    "dimension latente figée à 2": '''
def construire_decodeur(latent_dim):
    return keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(784, activation="sigmoid"), keras.layers.Reshape((28, 28, 1))])
''',
    # Sorties dont une activation égarée restreint (ou ne restreint pas) la plage (issue 12).
    "ReLU en sortie (pixels dans [0, ∞))": '''
def construire_decodeur(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(784, activation="relu"), keras.layers.Reshape((28, 28, 1))])
''',
    "tanh en sortie (pixels dans [−1, 1])": '''
def construire_decodeur(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(784, activation="tanh"), keras.layers.Reshape((28, 28, 1))])
''',
    "sigmoïde d'une ReLU (pixels ≥ 0,5)": '''
def construire_decodeur(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(784, activation="relu"), keras.layers.Activation("sigmoid"), keras.layers.Reshape((28, 28, 1))])
''',
    "sigmoïde appliquée deux fois (pixels entre 0,5 et 0,73)": '''
def construire_decodeur(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(784, activation="sigmoid"), keras.layers.Activation("sigmoid"), keras.layers.Reshape((28, 28, 1))])
''',
    "moitié d'une sigmoïde (pixels ≤ 0,5)": '''
def construire_decodeur(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(784, activation="sigmoid"), keras.layers.Rescaling(0.5), keras.layers.Reshape((28, 28, 1))])
''',
    "sigmoïde coupée à [0,05 ; 0,95] (ni noir ni blanc)": '''
def construire_decodeur(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(784, activation="sigmoid"), keras.layers.Reshape((28, 28, 1)),
                             keras.layers.Lambda(lambda t: keras.ops.clip(t, 0.05, 0.95))])
''',
    "sigmoïde coupée à [0,005 ; 0,995]": '''
def construire_decodeur(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(784, activation="sigmoid"), keras.layers.Reshape((28, 28, 1)),
                             keras.layers.Lambda(lambda t: keras.ops.clip(t, 0.005, 0.995))])
''',
    "sigmoïde coupée à [0,001 ; 0,999]": '''
def construire_decodeur(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(784, activation="sigmoid"), keras.layers.Reshape((28, 28, 1)),
                             keras.layers.Lambda(lambda t: keras.ops.clip(t, 1e-3, 1 - 1e-3))])
''',
    "0,98·sigmoïde + 0,01": '''
def construire_decodeur(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(784, activation="sigmoid"), keras.layers.Rescaling(0.98, offset=0.01),
                             keras.layers.Reshape((28, 28, 1))])
''',
}

DECODEUR_CORRECT = {
    "Conv2DTranspose": '''
def construire_decodeur(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Reshape((7, 7, 16))(keras.layers.Dense(7 * 7 * 16, activation="relu")(z))
    h = keras.layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu")(h)
    h = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")(h)
    return keras.Model(z, h)
''',
    "une seule couche cachée, 1024 neurones": '''
def construire_decodeur(latent_dim):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)), keras.layers.Dense(1024, activation="relu"),
        keras.layers.Dense(28 * 28, activation="sigmoid"), keras.layers.Reshape((28, 28, 1)),
    ])
''',
    "trois couches cachées 128, 256, 512 (elu)": '''
def construire_decodeur(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = z
    for largeur in (128, 256, 512):
        h = keras.layers.Dense(largeur, activation="elu")(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(keras.layers.Dense(784, activation="sigmoid")(h)))
''',
    "UpSampling2D": '''
def construire_decodeur(latent_dim):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)), keras.layers.Dense(7 * 7 * 8, activation="relu"),
        keras.layers.Reshape((7, 7, 8)), keras.layers.UpSampling2D(), keras.layers.Conv2D(8, 3, padding="same", activation="relu"),
        keras.layers.UpSampling2D(), keras.layers.Conv2D(1, 3, padding="same"), keras.layers.Activation("sigmoid"),
    ])
''',
    "couches cachées tanh, BatchNormalization avant la sigmoïde, couches nommées": '''
def construire_decodeur(latent_dim):
    z = keras.Input(shape=(latent_dim,), name="code")
    h = keras.layers.Dense(128, activation="tanh", name="cachee")(z)
    h = keras.layers.BatchNormalization(name="normalisation")(keras.layers.Dense(784, name="pixels")(h))
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(keras.layers.Activation("sigmoid", name="sigmoide")(h)))
''',
    "sigmoïde coupée à [10⁻⁷ ; 1 − 10⁻⁷] (pour le logarithme)": '''
def construire_decodeur(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(256, activation="relu")(z)
    h = keras.layers.Dense(784, activation="sigmoid")(keras.layers.Dense(512, activation="relu")(h))
    h = keras.layers.Lambda(lambda t: keras.ops.clip(t, 1e-7, 1 - 1e-7))(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h))
''',
}

QUIZ = {"reponse_q1": quiz_variants("reponse_q1", "c"), "reponse_q2": quiz_variants("reponse_q2", "b")}

CATALOGUE = {
    "echantillonnage": (ECHANTILLONNAGE_WRONG, ECHANTILLONNAGE_CORRECT),
    "divergence_kl": (KL_WRONG, KL_CORRECT),
    "perte_reconstruction": (RECONSTRUCTION_WRONG, RECONSTRUCTION_CORRECT),
    "construire_encodeur": (ENCODEUR_WRONG, ENCODEUR_CORRECT),
    "construire_decodeur": (DECODEUR_WRONG, DECODEUR_CORRECT),
    **QUIZ,
}

test_catalogue_is_large_enough, test_every_variant_gets_its_expected_grade = catalogue_tests(ASSIGNMENT, CATALOGUE)
