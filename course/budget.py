"""Budgets d'exécution : la seule source des tailles (époques, sous-ensembles, lots).

Trois modes (voir docs/enseignant.md) :

- ``complet`` (par défaut, étudiants) : de vrais résultats, chaque notebook en 5 min au plus sur
  2 cœurs ;
- ``rapide`` (``COURSE_BUDGET=rapide``, CI et tests) : le même code sur un petit sous-ensemble,
  60 s au plus par notebook ;
- ``correction`` (nbgrader définit ``NBGRADER_EXECUTION`` pendant ``autograde`` et ``validate``) :
  au plus la taille de ``rapide``.

Seules les tailles changent d'un mode à l'autre, jamais le code exécuté (hormis la façon de
compiler les pas d'entraînement : ``xla`` et ``eager``). Usage ::

    from course import budget
    tailles = budget.tailles("00_prise_en_main")
    x = x_train[: tailles.n_entrainement]
"""

import dataclasses
import os

MODES = ("complet", "rapide", "correction")


@dataclasses.dataclass(frozen=True)
class Tailles:
    """Tailles d'un notebook dans un mode donné."""

    mode: str
    n_entrainement: int  # nombre d'images d'entraînement utilisées
    n_test: int  # nombre d'images de test utilisées
    epoques: int  # nombre d'époques d'entraînement
    taille_lot: int  # taille des lots (batch size)
    # Durée maximale d'un entraînement en secondes (None : seulement les époques). En ``complet``
    # seulement : le notebook entier tient alors dans ses 5 minutes sur une machine 3 fois plus lente
    # que celle où les époques ont été réglées (voir course/entrainement.py et
    # ``python benchmarks/budgets.py --ralenti 3``).
    secondes: float | None = None

    @property
    def xla(self):
        """Compiler les pas d'entraînement par XLA (``jit_compile``) ? Seulement en ``complet`` :
        chaque compilation coûte plusieurs secondes, rendues sur un long entraînement mais pas sur
        les quelques lots de ``rapide`` et ``correction`` (mesuré sur 04_vae en correction : 12 s
        de compilation pour trois petits VAE entraînés en moins d'une seconde chacun)."""
        return self.mode == "complet"

    @property
    def eager(self):
        """Exécuter les pas d'entraînement sans graphe (``run_eagerly``) ? Seulement en
        ``correction`` : pour les huit lots d'une copie corrigée, tracer le graphe de ``fit`` et
        d'``evaluate`` coûte plus que les calculs (mesuré dans le correcteur, une copie juste :
        04_vae 11,4 -> 7,9 s, 03_ae_convolutif 11,7 -> 10,0 à 11,2 s)."""
        return self.mode == "correction"


# Une ligne par notebook et par mode : un nom mal orthographié est une erreur, pas un budget par défaut.
_TABLE = {
    "complet": {
        "00_prise_en_main": dict(n_entrainement=60_000, n_test=10_000, epoques=0, taille_lot=128),
        "01_ae_lineaire": dict(n_entrainement=60_000, n_test=10_000, epoques=30, taille_lot=256, secondes=60),
        "02_ae_dense": dict(n_entrainement=60_000, n_test=10_000, epoques=20, taille_lot=256, secondes=90),
        "03_ae_convolutif": dict(n_entrainement=30_000, n_test=10_000, epoques=5, taille_lot=128, secondes=75),
        "04_vae": dict(n_entrainement=60_000, n_test=10_000, epoques=50, taille_lot=256, secondes=150),
        "05_gan": dict(n_entrainement=60_000, n_test=10_000, epoques=5, taille_lot=128, secondes=130),
        "06_applications": dict(n_entrainement=60_000, n_test=2_000, epoques=5, taille_lot=256, secondes=90),
    },
    "rapide": {
        "00_prise_en_main": dict(n_entrainement=2_000, n_test=500, epoques=0, taille_lot=128),
        "01_ae_lineaire": dict(n_entrainement=3_000, n_test=500, epoques=3, taille_lot=256),
        "02_ae_dense": dict(n_entrainement=3_000, n_test=500, epoques=3, taille_lot=256),
        "03_ae_convolutif": dict(n_entrainement=2_000, n_test=500, epoques=2, taille_lot=128),
        "04_vae": dict(n_entrainement=5_000, n_test=500, epoques=4, taille_lot=128),
        "05_gan": dict(n_entrainement=2_560, n_test=1_000, epoques=2, taille_lot=128),
        "06_applications": dict(n_entrainement=2_000, n_test=500, epoques=2, taille_lot=256),
    },
    "correction": {
        "00_prise_en_main": dict(n_entrainement=1_000, n_test=200, epoques=0, taille_lot=128),
        "01_ae_lineaire": dict(n_entrainement=1_000, n_test=200, epoques=1, taille_lot=256),
        "02_ae_dense": dict(n_entrainement=1_000, n_test=200, epoques=1, taille_lot=256),
        "03_ae_convolutif": dict(n_entrainement=1_000, n_test=200, epoques=1, taille_lot=128),
        "04_vae": dict(n_entrainement=1_000, n_test=200, epoques=1, taille_lot=128),
        "05_gan": dict(n_entrainement=1_024, n_test=200, epoques=1, taille_lot=128),
        "06_applications": dict(n_entrainement=1_000, n_test=200, epoques=1, taille_lot=256),
    },
}


def mode_actuel():
    """Renvoie le mode en vigueur : ``correction`` sous nbgrader, sinon ``COURSE_BUDGET``.

    Lève ``ValueError`` (message en français) si ``COURSE_BUDGET`` ne nomme aucun mode.
    """
    if os.environ.get("NBGRADER_EXECUTION"):
        return "correction"
    mode = os.environ.get("COURSE_BUDGET", "complet").strip().lower() or "complet"
    if mode not in MODES:
        raise ValueError(
            f"COURSE_BUDGET={mode!r} ne désigne aucun budget : choisissez parmi "
            f"{', '.join(MODES)} (ou retirez la variable pour le mode complet)."
        )
    return mode


def tailles(notebook, mode=None):
    """Renvoie les ``Tailles`` du notebook ``notebook`` (ex. ``"04_vae"``) dans ``mode``.

    ``mode`` vaut par défaut ``mode_actuel()``.
    """
    mode = mode_actuel() if mode is None else mode
    if mode not in _TABLE:
        raise ValueError(f"Mode de budget inconnu : {mode!r} (attendu : {', '.join(MODES)}).")
    if notebook not in _TABLE[mode]:
        raise ValueError(
            f"Notebook inconnu du budget : {notebook!r} (connus : {', '.join(notebooks_connus())})."
        )
    return Tailles(mode=mode, **_TABLE[mode][notebook])


def notebooks_connus():
    """Renvoie les noms des notebooks qui ont une ligne dans la table."""
    return sorted(_TABLE["complet"])
