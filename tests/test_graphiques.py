"""Grilles d'images du module graphiques."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course import graphiques  # noqa: E402


@pytest.mark.parametrize("shape", [(5, 28, 28), (5, 28, 28, 1), (5, 784)])
def test_accepts_every_image_layout(shape):
    images = np.random.default_rng(0).random(shape, dtype=np.float32)
    converted = graphiques.en_images(images)
    assert converted.shape == (5, 28, 28)
    np.testing.assert_array_equal(converted.reshape(5, -1), images.reshape(5, -1))


def test_rejects_other_shapes_in_french():
    with pytest.raises(ValueError, match="Forme d'images non reconnue"):
        graphiques.en_images(np.zeros((5, 32, 32, 3)))


def test_comparer_draws_originals_above_reconstructions():
    originals = np.zeros((12, 28, 28), np.uint8)
    reconstructions = np.ones((12, 28, 28, 1), np.float32)
    fig = graphiques.comparer(originals, reconstructions, n=8, titres=list("abcdefghijkl"))
    axes = np.array(fig.axes).reshape(2, 8)
    assert axes[0, 0].get_ylabel() == "originales" and axes[1, 0].get_ylabel() == "reconstructions"
    assert [a.get_title() for a in axes[0]] == list("abcdefgh")
    np.testing.assert_array_equal(axes[1, 3].images[0].get_array(), reconstructions[3, ..., 0])


def test_afficher_images_wraps_rows_and_titles_each_image():
    fig = graphiques.afficher_images(np.zeros((13, 784)), titres=[str(i) for i in range(13)], n_colonnes=5)
    assert len(fig.axes) == 15
    assert sum(1 for a in fig.axes if a.images) == 13
    assert fig.axes[12].get_title() == "12"


def test_grid_rows_must_have_the_same_length():
    with pytest.raises(ValueError, match="même nombre d'images"):
        graphiques.afficher_grille([np.zeros((3, 28, 28)), np.zeros((2, 28, 28))])


def test_comparer_row_labels_can_be_renamed():
    fig = graphiques.comparer(np.zeros((3, 28, 28)), np.zeros((3, 784)), titres_lignes=("avant", "après"))
    assert [fig.axes[0].get_ylabel(), fig.axes[3].get_ylabel()] == ["avant", "après"]
