"""Explorateur du débruitage (module debruitage), sans noyau ni navigateur."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from course import debruitage  # noqa: E402
from paths import ROOT  # noqa: E402


def bruit_constant(images, facteur, seed=None):
    """Un « bruit » déterministe : ajoute facteur à chaque pixel, coupé dans [0, 1]."""
    return np.clip(np.asarray(images) + facteur, 0.0, 1.0)


def modele_identite(images):
    return np.asarray(images)


def test_import_has_no_heavy_side_effects():
    code = ("import sys, course.debruitage; "
            "print(any(m in sys.modules for m in ('ipywidgets', 'matplotlib', 'keras')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"


def test_debruiter_returns_noisy_and_model_output():
    images = np.full((3, 28, 28, 1), 0.25, np.float32)
    bruitees, debruitees = debruitage.debruiter(images, lambda x: 1.0 - x, bruit_constant, 0.5)
    np.testing.assert_allclose(bruitees, 0.75)
    np.testing.assert_allclose(debruitees, 0.25)
    assert debruitage.erreur_quadratique(bruitees, images) == 0.25


def test_slider_updates_the_noisy_and_denoised_rows_in_place():
    images = np.random.default_rng(0).random((4, 28, 28, 1), dtype=np.float32) * 0.5
    copie = images.copy()
    boite = debruitage.explorateur_bruit(images, modele_identite, bruit_constant, facteur=0.1)
    curseur = boite.children[0]
    axes = np.array(boite.figure.axes).reshape(3, 4)
    before = axes[1, 2].images[0].get_array().copy()
    curseur.value = 0.3
    after = axes[1, 2].images[0].get_array()
    np.testing.assert_allclose(after, np.clip(images[2, :, :, 0] + 0.3, 0, 1))
    np.testing.assert_allclose(axes[2, 2].images[0].get_array(), after)  # identité : sortie = entrée
    assert not np.allclose(before, after)
    assert len(axes[1, 2].images) == 1, "la figure est mise à jour, pas redessinée"
    assert "0.30" in boite.figure.texts[0].get_text()
    np.testing.assert_array_equal(images, copie)
