"""Outils d'algèbre linéaire pour comparer des sous-espaces (introduits dans ``01_ae_lineaire``)."""

import numpy as np


def base_orthonormee(vecteurs):
    """Renvoie une base orthonormée ``(d, k)`` de l'espace engendré par les lignes ``(k, d)``."""
    q, _ = np.linalg.qr(np.asarray(vecteurs, dtype=np.float64).T)
    return q


def angles_principaux(a, b):
    """Angles principaux, en degrés et par ordre croissant, entre deux sous-espaces de R^d.

    ``a`` ``(k, d)`` et ``b`` ``(k', d)`` : des vecteurs (en lignes) qui engendrent chaque
    sous-espace, pas forcément orthonormés. Les cosinus des angles sont les valeurs singulières
    de ``Qaᵀ Qb`` (Qa, Qb : bases orthonormées). Renvoie ``min(k, k')`` angles ; 0° partout si
    les deux sous-espaces sont identiques.
    """
    cosinus = np.linalg.svd(base_orthonormee(a).T @ base_orthonormee(b), compute_uv=False)
    return np.sort(np.degrees(np.arccos(np.clip(cosinus, -1.0, 1.0))))


def mse(x, y):
    """Erreur quadratique moyenne entre deux lots de même forme (moyenne sur tout)."""
    return float(np.mean((np.asarray(x, dtype=np.float64) - np.asarray(y, dtype=np.float64)) ** 2))
