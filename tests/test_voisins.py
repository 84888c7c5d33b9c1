"""course.voisins.plus_proches : distances et indices justes, paquets sans effet sur le résultat,
exclusion de soi, erreurs en français."""

import numpy as np
import pytest

from course import voisins


def boucle(points, references, exclure_soi=False):
    """La réponse attendue, calculée point par point (lent mais évident)."""
    distances, indices = [], []
    for i, p in enumerate(np.asarray(points, dtype=np.float64)):
        d = np.linalg.norm(np.asarray(references, dtype=np.float64) - p, axis=1)
        if exclure_soi:
            d[i] = np.inf
        indices.append(int(np.argmin(d)))
        distances.append(d[indices[-1]])
    return np.array(distances), np.array(indices)


def test_known_points():
    references = [[0.0, 0.0], [10.0, 0.0], [0.0, 5.0]]
    distances, indices = voisins.plus_proches([[1.0, 0.0], [9.0, 1.0], [0.0, 4.0], [0.0, 0.0]], references)
    assert indices.tolist() == [0, 1, 2, 0]
    assert distances == pytest.approx([1.0, np.sqrt(2), 1.0, 0.0])
    assert distances.shape == (4,) and indices.dtype == np.int64


def test_excluding_self_gives_the_nearest_other_point():
    # Sur une droite, 0, 1 et 3 : voisins 1, 0 (le premier des deux à distance 1) et 1.
    distances, indices = voisins.plus_proches([[0.0], [1.0], [3.0]], [[0.0], [1.0], [3.0]], exclure_soi=True)
    assert distances.tolist() == [1.0, 1.0, 2.0]
    assert indices.tolist() == [1, 0, 1]
    # Un point en double : distance exactement 0, à l'autre copie.
    distances, indices = voisins.plus_proches([[0.3, 0.7], [0.3, 0.7], [6.0, 8.0]],
                                              [[0.3, 0.7], [0.3, 0.7], [6.0, 8.0]], exclure_soi=True)
    assert distances[:2].tolist() == [0.0, 0.0] and indices[:2].tolist() == [1, 0]


@pytest.mark.parametrize("paquet", [1, 7, 64, None])
def test_batches_do_not_change_the_result(paquet):
    rng = np.random.default_rng(3)
    points, references = rng.normal(size=(50, 4)), rng.normal(size=(30, 4))
    distances, indices = voisins.plus_proches(points, references, paquet=paquet)
    attendues, indices_attendus = boucle(points, references)
    assert np.array_equal(indices, indices_attendus)
    assert distances == pytest.approx(attendues, rel=1e-12)
    moi = rng.normal(size=(25, 3))
    distances, indices = voisins.plus_proches(moi, moi, exclure_soi=True, paquet=paquet)
    attendues, indices_attendus = boucle(moi, moi, exclure_soi=True)
    assert np.array_equal(indices, indices_attendus)
    assert distances == pytest.approx(attendues, rel=1e-12)


def test_memory_stays_bounded_by_default():
    # 60 000 références : un paquet par défaut ne tient que DISTANCES_PAR_PAQUET distances.
    assert max(1, voisins.DISTANCES_PAR_PAQUET // 60_000) * 60_000 <= voisins.DISTANCES_PAR_PAQUET
    rng = np.random.default_rng(0)
    references = rng.normal(size=(60_000, 2)).astype("float32")
    distances, indices = voisins.plus_proches(references[:5] + 1e-3, references)
    assert indices.tolist() == [0, 1, 2, 3, 4]
    assert distances == pytest.approx(np.full(5, np.sqrt(2) * 1e-3), rel=1e-3)


def test_accepts_lists_and_float32_and_leaves_arguments_unchanged():
    points = np.array([[1.0, 2.0]], dtype=np.float32)
    copie = points.copy()
    distances, indices = voisins.plus_proches(points, [[1.0, 2.0], [0.0, 0.0]])
    assert distances.tolist() == [0.0] and indices.tolist() == [0]
    assert np.array_equal(points, copie)


def test_errors_are_in_french():
    with pytest.raises(ValueError, match="même d"):
        voisins.plus_proches(np.zeros((3, 2)), np.zeros((3, 4)))
    with pytest.raises(ValueError, match="même d"):
        voisins.plus_proches(np.zeros(3), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="au moins une référence"):
        voisins.plus_proches(np.zeros((3, 2)), np.zeros((0, 2)))
    with pytest.raises(ValueError, match="deux avec exclure_soi"):
        voisins.plus_proches(np.zeros((1, 2)), np.zeros((1, 2)), exclure_soi=True)
    with pytest.raises(ValueError, match="même ensemble"):
        voisins.plus_proches(np.zeros((3, 2)), np.zeros((4, 2)), exclure_soi=True)
    with pytest.raises(ValueError, match="au moins un point"):
        voisins.plus_proches(np.zeros((3, 2)), np.zeros((4, 2)), paquet=0)
