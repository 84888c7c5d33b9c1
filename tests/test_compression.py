"""``course.compression`` (tailles en octets, PNG et JPEG par Pillow) et ``course.detection``
(courbe ROC tracée), utilisés par ``06_applications``."""

import io

import keras
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

from course import compression, detection


def images_lisses(n, graine=0):
    """``n`` images (n, 28, 28, 1) dans [0, 1] : des taches gaussiennes, comme des vêtements flous."""
    generateur = np.random.default_rng(graine)
    y, x = np.mgrid[0:28, 0:28]
    centres = generateur.uniform(8, 20, size=(n, 2))
    rayons = generateur.uniform(3, 8, size=n)
    images = np.exp(-((x - centres[:, :1, None]) ** 2 + (y - centres[:, 1:, None]) ** 2) / (2 * rayons[:, None, None] ** 2))
    return images[..., None].astype(np.float32)


def test_en_octets_rounds_and_clips():
    images = np.array([[-0.1, 0.0, 0.5, 1.0, 1.2]], dtype=np.float32).reshape(1, 1, 5, 1)
    assert compression.en_octets(images).tolist() == [[[0, 0, 128, 255, 255]]]


def test_png_is_lossless_and_counts_each_file():
    images = images_lisses(5)
    octets = compression.png(images)
    assert octets.shape == (5,) and np.all(octets > 0)
    # Relu par Pillow, le fichier redonne exactement les octets de l'image.
    tampon = io.BytesIO()
    Image.fromarray(compression.en_octets(images)[0]).save(tampon, format="PNG", optimize=True)
    assert len(tampon.getvalue()) == octets[0]
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(tampon.getvalue()))), compression.en_octets(images)[0])
    # Une image de bruit se compresse moins qu'une image toute noire.
    bruit = np.random.default_rng(1).random((1, 28, 28, 1)).astype(np.float32)
    assert compression.png(bruit)[0] > compression.png(np.zeros((1, 28, 28, 1)))[0]


def test_jpeg_quality_trades_bytes_for_distortion():
    images = images_lisses(20)
    resultats = {}
    for qualite in (10, 50, 95):
        octets, decodees = compression.jpeg(images, qualite)
        assert octets.shape == (20,) and decodees.shape == (20, 28, 28, 1) and decodees.dtype == np.float32
        assert 0.0 <= decodees.min() and decodees.max() <= 1.0
        resultats[qualite] = (octets.mean(), float(np.mean((decodees - images) ** 2)))
    assert resultats[10][0] < resultats[50][0] < resultats[95][0]
    assert resultats[10][1] > resultats[50][1] > resultats[95][1]
    # L'en-tête est répété dans chaque fichier : aucun fichier n'est plus petit que lui.
    assert 0 < compression.entete_jpeg() <= min(octets for octets, _ in resultats.values())


def test_model_bytes_are_its_parameters():
    modele = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])  # 3 × 4 + 4 = 16 nombres
    assert compression.octets_modele(modele) == 64
    assert compression.octets_modele(modele, bits=8) == 16


def test_rate_distortion_figure_has_one_line_per_curve():
    figure = compression.afficher_debit_distorsion(
        {"a": ([10, 20, 40], [0.03, 0.02, 0.01]), "b": ([400, 30], [0.001, 0.02])}, reference=("PNG", 500))
    axe = figure.axes[0]
    assert [ligne.get_label() for ligne in axe.get_lines()] == ["a", "b", "PNG"]
    assert list(axe.get_lines()[1].get_xdata()) == [30, 400], "points rangés par débit croissant"
    plt.close(figure)


def test_roc_curve_area_is_the_pairwise_auroc():
    generateur = np.random.default_rng(3)
    anomalies = generateur.random(300) < 0.3
    scores = generateur.integers(0, 6, size=300) + anomalies  # beaucoup d'égalités
    figure, axe = plt.subplots()
    detection.tracer_roc(scores, anomalies, "essai", axe)
    faux, vrais = axe.get_lines()[0].get_data()
    assert (faux[0], vrais[0]) == (0.0, 0.0) and (faux[-1], vrais[-1]) == (1.0, 1.0)
    assert np.all(np.diff(faux) >= 0) and np.all(np.diff(vrais) >= 0)
    aire = np.sum(np.diff(faux) * (vrais[1:] + vrais[:-1]) / 2)
    plus, moins = scores[anomalies][:, None], scores[~anomalies][None, :]
    assert np.isclose(aire, np.mean((plus > moins) + 0.5 * (plus == moins)))
    plt.close(figure)
