"""Compter en octets (introduit dans ``06_applications``) : les formats d'image que tout le monde
connaît (PNG, JPEG, par Pillow, déjà installé avec matplotlib), la taille d'un modèle, et la
figure débit–distorsion.

Une image de Fashion-MNIST stockée brute fait 28 × 28 = 784 octets (un octet par pixel). Les
fonctions ci-dessous reçoivent des images float32 ``(n, 28, 28, 1)`` dans [0, 1] (ou ``(n, 28,
28)``), les ramènent à des octets (0 à 255, par arrondi) comme le ferait un fichier, et renvoient
des tailles en octets par image.
"""

import io

import numpy as np

from course import graphiques

OCTETS_BRUTS = 28 * 28  # une image en niveaux de gris, un octet par pixel


def en_octets(images):
    """float dans [0, 1], toute forme d'images de ``graphiques.en_images`` -> uint8 ``(n, 28, 28)``
    (arrondi au plus proche)."""
    images = graphiques.en_images(images).astype(np.float32)
    return np.round(np.clip(images, 0.0, 1.0) * 255).astype(np.uint8)


def _encoder(image, format_, **options):
    from PIL import Image

    tampon = io.BytesIO()
    Image.fromarray(image).save(tampon, format=format_, **options)
    return tampon.getvalue()


def _decoder(contenu):
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(contenu)), dtype=np.float32) / 255


def png(images):
    """Chaque image en fichier PNG (sans perte, ``optimize=True``) : ``(n,)`` octets par image.

    Le PNG rend l'image exacte (une fois ramenée à des octets) : sa distorsion est celle de
    l'arrondi à 1/255 près, négligeable ici."""
    return np.array([len(_encoder(image, "PNG", optimize=True)) for image in en_octets(images)])


def jpeg(images, qualite):
    """Chaque image en fichier JPEG de qualité ``qualite`` (1 à 95, Pillow).

    Renvoie ``(octets, decodees)`` : ``(n,)`` octets par fichier, et les images relues
    ``(n, 28, 28, 1)`` float32 dans [0, 1], pour mesurer la distorsion."""
    fichiers = [_encoder(image, "JPEG", quality=int(qualite)) for image in en_octets(images)]
    decodees = np.stack([_decoder(contenu) for contenu in fichiers])[..., np.newaxis]
    return np.array([len(contenu) for contenu in fichiers]), decodees


def entete_jpeg():
    """Taille en octets du fichier JPEG d'une image 28 × 28 toute noire (qualité 50) : surtout
    l'en-tête (tables de quantification et de Huffman), que chaque fichier répète."""
    return len(_encoder(np.zeros((28, 28), np.uint8), "JPEG", quality=50))


def octets_modele(modele, bits=32):
    """Taille des poids de ``modele`` (un ``keras.Model``) en octets, chaque nombre sur ``bits``
    bits (float32 par défaut)."""
    return modele.count_params() * bits // 8


def afficher_debit_distorsion(courbes, titre="Débit et distorsion sur les images de test",
                              reference=None, echelle_log=True):
    """Trace la distorsion (MSE par pixel) en fonction du débit (octets par image).

    ``courbes`` : ``{nom: (octets, mse)}``, deux suites de même longueur (un point par réglage :
    nombre de composantes, de bits, qualité JPEG…) ; ``reference`` : un débit à marquer d'un trait
    vertical (par exemple ``("PNG, sans perte", 508)``)."""
    import matplotlib.pyplot as plt

    figure, axe = plt.subplots(figsize=(8, 4.5))
    for nom, (octets, mse) in courbes.items():
        ordre = np.argsort(octets)
        axe.plot(np.asarray(octets)[ordre], np.asarray(mse)[ordre], "o-", label=nom, markersize=4)
    if reference is not None:
        nom, octets = reference
        axe.axvline(octets, color="grey", linestyle=":", label=nom)
    if echelle_log:
        axe.set_xscale("log")
        axe.set_yscale("log")
    axe.set_xlabel("débit : octets par image")
    axe.set_ylabel("distorsion : erreur quadratique moyenne par pixel")
    axe.set_title(titre)
    axe.grid(True, which="both", alpha=0.3)
    axe.legend(fontsize=8)
    figure.tight_layout()
    return figure
