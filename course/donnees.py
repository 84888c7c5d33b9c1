"""Chargement de Fashion-MNIST, hors ligne d'abord.

Introduit dans ``00_prise_en_main`` et utilisé par tous les notebooks.

Ordre de recherche des quatre fichiers ``*-idx*-ubyte.gz`` :

1. le cache de Keras, ``~/.keras/datasets/fashion-mnist/`` (ou ``$KERAS_HOME/datasets/...``) ;
2. le dossier désigné par la variable d'environnement ``COURSE_DATA_DIR`` ;
3. la copie du paquet Debian ``dataset-fashion-mnist`` : ``/usr/share/datasets/fashion-mnist/`` ;
4. le téléchargement par Keras (``keras.datasets.fashion_mnist.load_data``), qui remplit le cache.

Un fichier manquant ou corrompu ne donne jamais une trace brute de gzip : si aucune source ne
convient, ``DonneesIntrouvables`` explique en français ce qui a été essayé et comment réparer.
"""

import gzip
import os
import pathlib
import zlib

import numpy as np

NOMS_CLASSES = (
    "T-shirt/haut",
    "Pantalon",
    "Pull",
    "Robe",
    "Manteau",
    "Sandale",
    "Chemise",
    "Basket",
    "Sac",
    "Bottine",
)
"""Noms français des 10 classes, dans l'ordre des étiquettes 0 à 9."""

FICHIERS = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}
DOSSIER_DEBIAN = pathlib.Path("/usr/share/datasets/fashion-mnist")
_MAGIQUES = {2049: 1, 2051: 3}  # nombre magique IDX -> nombre de dimensions (étiquettes, images)


class DonneesIntrouvables(RuntimeError):
    """Aucune source de Fashion-MNIST n'a fourni des fichiers lisibles."""


class FichierIllisible(ValueError):
    """Un fichier IDX est tronqué, corrompu ou n'a pas le format attendu."""


def dossier_cache_keras():
    """Renvoie le dossier où Keras range Fashion-MNIST (celui qu'il consulte en premier)."""
    base = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return pathlib.Path(base) / "datasets" / "fashion-mnist"


def dossiers_candidats():
    """Renvoie les dossiers locaux à essayer, dans l'ordre, avec leur description française."""
    candidats = [(dossier_cache_keras(), "cache de Keras")]
    if os.environ.get("COURSE_DATA_DIR"):
        candidats.append((pathlib.Path(os.environ["COURSE_DATA_DIR"]), "COURSE_DATA_DIR"))
    candidats.append((DOSSIER_DEBIAN, "paquet Debian dataset-fashion-mnist"))
    return candidats


def lire_idx(chemin):
    """Lit un fichier IDX compressé (gzip) et renvoie un tableau uint8.

    Forme : ``(n,)`` pour les étiquettes, ``(n, 28, 28)`` pour les images.
    Lève ``FileNotFoundError`` si le fichier manque, ``FichierIllisible`` s'il est tronqué,
    corrompu ou mal formé.
    """
    chemin = pathlib.Path(chemin)
    try:
        with gzip.open(chemin, "rb") as f:
            octets = f.read()
    except FileNotFoundError:
        raise
    except (OSError, EOFError, zlib.error) as erreur:
        raise FichierIllisible(f"{chemin} est tronqué ou corrompu ({type(erreur).__name__})") from None
    if len(octets) < 8:
        raise FichierIllisible(f"{chemin} est trop court pour un fichier IDX")
    magique = int.from_bytes(octets[:4], "big")
    if magique not in _MAGIQUES:
        raise FichierIllisible(f"{chemin} n'est pas un fichier IDX (nombre magique {magique})")
    ndim = _MAGIQUES[magique]
    entete = 4 + 4 * ndim
    forme = tuple(int.from_bytes(octets[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    attendu = entete + int(np.prod(forme))
    if len(octets) != attendu or (ndim == 3 and forme[1:] != (28, 28)):
        raise FichierIllisible(
            f"{chemin} a une taille inattendue ({len(octets)} octets pour une forme {forme})"
        )
    return np.frombuffer(octets, dtype=np.uint8, offset=entete).reshape(forme)


def lire_dossier(dossier):
    """Lit les quatre fichiers d'un dossier et renvoie ``((x_train, y_train), (x_test, y_test))``.

    Formes : ``x_train`` (60000, 28, 28) uint8, ``y_train`` (60000,) uint8, de même pour le test
    (10000 images). Lève ``FileNotFoundError`` ou ``FichierIllisible``.
    """
    dossier = pathlib.Path(dossier)
    t = {nom: lire_idx(dossier / fichier) for nom, fichier in FICHIERS.items()}
    for x, y in (("x_train", "y_train"), ("x_test", "y_test")):
        if len(t[x]) != len(t[y]):
            raise FichierIllisible(
                f"{dossier} : {len(t[x])} images mais {len(t[y])} étiquettes ({FICHIERS[x]})"
            )
    return (t["x_train"], t["y_train"]), (t["x_test"], t["y_test"])


def _telecharger_avec_keras():
    """Télécharge Fashion-MNIST avec Keras (dans son cache) et renvoie les quatre tableaux."""
    import keras  # import lourd : seulement si aucune copie locale n'existe

    return keras.datasets.fashion_mnist.load_data()


def charger_fashion_mnist(telecharger=_telecharger_avec_keras):
    """Charge Fashion-MNIST et renvoie ``((x_train, y_train), (x_test, y_test))``.

    Les mêmes tableaux que ``keras.datasets.fashion_mnist.load_data()`` : images uint8
    ``(60000, 28, 28)`` et ``(10000, 28, 28)``, étiquettes uint8 ``(60000,)`` et ``(10000,)``
    (indices dans ``NOMS_CLASSES``). Cherche d'abord les copies locales (voir le module), puis
    télécharge avec Keras. Lève ``DonneesIntrouvables`` avec un message français sinon.
    """
    essais = []
    cache_corrompu = None
    for dossier, description in dossiers_candidats():
        try:
            return lire_dossier(dossier)
        except FileNotFoundError as erreur:
            manquant = pathlib.Path(erreur.filename or "").name or "un fichier"
            essais.append(f"{description} ({dossier}) : {manquant} absent")
        except FichierIllisible as erreur:
            essais.append(f"{description} ({dossier}) : {erreur}")
            if description == "cache de Keras":
                cache_corrompu = dossier
    if cache_corrompu is None:
        try:
            return telecharger()
        except Exception as erreur:  # pas de réseau, serveur injoignable, fichier reçu corrompu
            essais.append(f"téléchargement par Keras : échec ({type(erreur).__name__}: {erreur})")
    else:
        essais.append("téléchargement par Keras : non tenté, le cache contient un fichier corrompu")
    raise DonneesIntrouvables(_message_echec(essais, cache_corrompu)) from None


def _message_echec(essais, cache_corrompu):
    """Rédige le message d'erreur : ce qui a été essayé, puis comment réparer."""
    lignes = ["Impossible de charger Fashion-MNIST. Sources essayées, dans l'ordre :"]
    lignes += [f"  - {essai}" for essai in essais]
    lignes.append("Pour réparer, au choix :")
    if cache_corrompu is not None:
        lignes.append(f"  - supprimez le dossier corrompu {cache_corrompu} puis relancez ;")
    lignes += [
        "  - sous Debian ou Ubuntu : sudo apt-get install dataset-fashion-mnist ;",
        "  - copiez les quatre fichiers " + ", ".join(FICHIERS.values())
        + " dans un dossier et indiquez-le par la variable d'environnement COURSE_DATA_DIR ;",
        "  - connectez-vous à Internet : Keras téléchargera les données dans son cache.",
    ]
    return "\n".join(lignes)
