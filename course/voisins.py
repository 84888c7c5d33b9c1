"""Plus proches voisins : pour chaque point, la référence la plus proche et sa distance.

Le cours mesure souvent « à quelle distance tombe ce point du plus proche code connu » : les trous
de l'espace latent (``02_ae_dense``, ``04_vae``), les codes tirés au hasard (``03_ae_convolutif``),
la classe du code le plus proche (``04_vae``), la diversité des images générées
(``qualite.distance_plus_proche_voisin``, ``05_gan``). Une seule fonction le fait pour tous ::

    from course import voisins
    distances, indices = voisins.plus_proches(points, references)          # (m,), (m,)
    ecarts, _ = voisins.plus_proches(codes, codes, exclure_soi=True)       # chacun à son voisin

Distance euclidienne, calculée par paquets de lignes : la mémoire reste bornée (quelques dizaines de
mégaoctets) même pour des dizaines de milliers de points et de références.
"""

import numpy as np

DISTANCES_PAR_PAQUET = 2**22  # au plus ~4 millions de distances (32 Mo en float64) à la fois


def plus_proches(points, references, exclure_soi=False, paquet=None):
    """Pour chaque ligne de ``points``, la ligne la plus proche de ``references`` (distance euclidienne).

    - ``points`` : ``(m, d)`` ; ``references`` : ``(n, d)``, même ``d`` ; tableaux NumPy, listes ou
      tenseurs (convertis en float64).
    - ``exclure_soi`` : ``points`` et ``references`` sont le même ensemble (``m == n``) ; la ligne
      ``i`` ne peut pas être son propre voisin (on cherche le plus proche des **autres**). Il faut
      alors au moins deux lignes. Un point qui a un double à une autre ligne est à distance 0.
    - ``paquet`` : nombre de points traités à la fois ; par défaut, assez pour tenir
      ``DISTANCES_PAR_PAQUET`` distances. Il ne change pas le résultat, seulement la mémoire.

    Renvoie ``(distances, indices)`` : ``distances`` ``(m,)`` float64, la distance de chaque point à
    sa référence la plus proche ; ``indices`` ``(m,)`` int64, la ligne de ``references`` de cette
    référence (la première en cas d'égalité).
    """
    x = np.asarray(points, dtype=np.float64)
    r = np.asarray(references, dtype=np.float64)
    if x.ndim != 2 or r.ndim != 2 or x.shape[1] != r.shape[1]:
        raise ValueError(f"Formes {x.shape} et {r.shape} : attendu (m, d) et (n, d), même d.")
    if len(r) < (2 if exclure_soi else 1):
        raise ValueError("Il faut au moins une référence (deux avec exclure_soi=True).")
    if exclure_soi and len(x) != len(r):
        raise ValueError(f"exclure_soi=True : points et références sont le même ensemble, or {len(x)} ≠ {len(r)} lignes.")
    if paquet is None:
        paquet = max(1, DISTANCES_PAR_PAQUET // len(r))
    if paquet < 1:
        raise ValueError(f"paquet={paquet} : il faut traiter au moins un point à la fois.")
    indices = np.empty(len(x), dtype=np.int64)
    carres_r = np.sum(r**2, axis=1)
    for debut in range(0, len(x), paquet):
        morceau = x[debut: debut + paquet]
        # ‖a − b‖² = ‖a‖² + ‖b‖² − 2 a·b : un produit de matrices par paquet.
        carres = np.sum(morceau**2, axis=1)[:, None] + carres_r[None, :] - 2 * morceau @ r.T
        if exclure_soi:
            lignes = np.arange(len(morceau))
            carres[lignes, debut + lignes] = np.inf
        indices[debut: debut + paquet] = np.argmin(carres, axis=1)
    # La distance au voisin retenu, recalculée directement : exacte (0 pour un double), sans l'erreur
    # d'arrondi de la formule développée.
    distances = np.linalg.norm(x - r[indices], axis=1)
    return distances, indices
