"""Figures vivantes : explorateur de l'espace latent et curseur de l'ACP, pilotés sans navigateur."""

import types

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course import interactif

matplotlib.use("Agg")


def decodeur(z):
    """Décodeur factice : une image uniforme de valeur z₁ (bornée à [0, 1]), (1, 784)."""
    return np.clip(np.tile(np.asarray(z)[:, :1], (1, 784)), 0, 1)


@pytest.fixture
def explorateur():
    points = np.random.default_rng(0).uniform(-1, 1, size=(200, 2))
    return interactif.ExplorateurLatent(points, np.arange(200) % 10, decodeur)


def test_sliders_update_marker_and_decoded_image(explorateur):
    explorateur.curseurs[0].value = 0.25
    explorateur.curseurs[1].value = -0.5
    assert explorateur._marqueur.get_data() == ([0.25], [-0.5])
    np.testing.assert_allclose(explorateur._image.get_array(), 0.25)
    assert "0.25" in explorateur._axe_image.get_title()


def test_click_in_the_scatter_moves_the_point(explorateur):
    nuage = explorateur._nuage
    explorateur._clic(types.SimpleNamespace(inaxes=nuage, xdata=0.75, ydata=0.1))
    assert explorateur.curseurs[0].value == pytest.approx(0.75)
    np.testing.assert_allclose(explorateur._image.get_array(), 0.75)
    explorateur._clic(types.SimpleNamespace(inaxes=explorateur._axe_image, xdata=0.1, ydata=0.1))
    assert explorateur.curseurs[0].value == pytest.approx(0.75)


def test_scatter_is_drawn_once(explorateur):
    collections = list(explorateur._nuage.collections)
    explorateur.aller_a(0.5, 0.5)
    assert list(explorateur._nuage.collections) == collections


def test_rejects_points_that_are_not_2d():
    with pytest.raises(ValueError, match=r"points \(n, 2\)"):
        interactif.ExplorateurLatent(np.zeros((5, 3)), np.zeros(5), decodeur)


def test_pca_slider_updates_reconstructions_and_caption():
    originales = np.random.default_rng(1).random((4, 784))
    curseur = interactif.CurseurACP(originales, lambda k: np.full((4, 784), k / 10), np.linspace(0.1, 1, 10))
    curseur.curseur.value = 7
    np.testing.assert_allclose(curseur._images[2].get_array(), 0.7)
    assert curseur._repere.get_xdata() == [7, 7]
    assert curseur._texte.get_text().startswith("k = 7 : 70.0 %")


def test_live_figures_leave_the_global_backend_alone():
    avant = plt.get_backend()
    interactif.figure_vivante((2, 2))
    assert plt.get_backend() == avant
