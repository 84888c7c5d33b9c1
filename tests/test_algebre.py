"""Angles principaux et MSE (course.algebre), données de test (course.verifications)."""

import numpy as np
import pytest

from course import algebre, verifications


def test_same_subspace_in_another_basis_has_zero_angles():
    base = np.linalg.qr(np.random.default_rng(0).normal(size=(10, 3)))[0].T
    melange = np.array([[2.0, 1.0, 0.0], [0.0, 1.0, 3.0], [1.0, 0.0, 1.0]]) @ base
    np.testing.assert_allclose(algebre.angles_principaux(melange, base), 0, atol=1e-5)


def test_known_angles():
    plan = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    tourne = np.array([[1.0, 0, 0], [0, np.cos(np.radians(30)), np.sin(np.radians(30))]])
    np.testing.assert_allclose(algebre.angles_principaux(plan, tourne), [0, 30], atol=1e-6)
    np.testing.assert_allclose(algebre.angles_principaux(plan, [[0, 0, 1.0]]), [90], atol=1e-6)


def test_mse():
    assert algebre.mse(np.zeros((2, 3)), np.full((2, 3), 2.0)) == pytest.approx(4.0)


def test_gaussian_cloud_is_reproducible_and_has_decreasing_variances():
    x = verifications.nuage_gaussien(2000, 4, graine=3)
    np.testing.assert_array_equal(x, verifications.nuage_gaussien(2000, 4, graine=3))
    moyenne, directions = verifications.directions_principales(x)
    variances = ((x - moyenne) @ directions.T).var(axis=0)
    assert np.all(np.diff(variances) < 0)
    np.testing.assert_allclose(variances[:-1] / variances[1:], 4, rtol=0.2)
    np.testing.assert_allclose(directions @ directions.T, np.eye(4), atol=1e-10)
    _, _, vt = np.linalg.svd(x - x.mean(axis=0), full_matrices=False)
    np.testing.assert_allclose(np.abs(np.sum(vt * directions, axis=1)), 1, atol=1e-8)
