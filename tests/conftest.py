import pathlib
import sys

import pytest

# Les modules d'aide des tests (paths, variant_harness) s'importent par leur nom.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

# Les modules lents, en un seul endroit : ils exécutent des notebooks, démarrent des noyaux, des
# serveurs (JupyterLab, Dask, PostgreSQL) ou le correcteur de classe. Tous les autres forment le
# niveau rapide, `bash scripts/tests.sh --rapide` (pytest -m "not lent"), qui ne démarre aucun
# noyau ni serveur. La commande par défaut (et la CI) lance tout.
SLOW_MODULES = {
    "test_accidents": "corrige des copies dans le bac à sable",
    "test_autograde": "nbgrader autograde sur des copies",
    "test_benchmark": "exécute le code des notebooks et un notebook en budget correction",
    "test_cluster": "ordonnanceur Dask, travailleurs et PostgreSQL",
    "test_colab": "exécute la cellule Colab dans un noyau",
    "test_correction_classe": "corrige des classes entières",
    "test_cours_monte": "corrige des copies dans le bac à sable",
    "test_forkserver": "démarre des modèles de noyaux",
    "test_identifiants_classe": "corrige une classe",
    "test_limites_copie": "corrige des copies qui dépassent leurs limites",
    "test_navigateur": "JupyterLab dans Chromium",
    "test_notebooks": "exécute chaque notebook",
    "test_preflight": "vérifie la solution de l'enseignant dans un noyau",
    "test_processus": "démarre et arrête des correcteurs",
    "test_release": "régénère release/ par nbgrader",
    "test_sans_activation": "lance le correcteur et nbgrader sans environnement actif",
    "test_triches": "corrige des copies qui trichent",
    "test_variantes_00_prise_en_main": "juge des variantes dans un noyau",
    "test_variantes_01_ae_lineaire": "juge des variantes dans un noyau",
    "test_variantes_02_ae_dense": "juge des variantes dans un noyau",
    "test_variantes_03_ae_convolutif": "juge des variantes dans un noyau",
    "test_variantes_04_vae": "juge des variantes dans un noyau",
    "test_variantes_05_gan": "juge des variantes dans un noyau",
    "test_variantes_commande": "corrige les réponses justes par la commande",
}


# Les modules les plus longs, du plus long au plus court (somme des durées de leurs tests,
# `bash scripts/tests.sh --durations=40`, 7 décembre 2026 : de 540 s pour test_autograde à 50 s) :
# ils passent en tête. scripts/tests.sh donne chaque module entier à un processus (--dist
# loadscope, dans l'ordre des tests) ; un long module lancé en dernier laisserait l'autre processus
# sans travail jusqu'à la fin.
LONGEST_FIRST = [
    "test_autograde", "test_correction_classe", "test_notebooks", "test_preflight",
    "test_variantes_commande", "test_triches", "test_navigateur", "test_cluster", "test_accidents",
    "test_limites_copie",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.module.__name__ in SLOW_MODULES:
            item.add_marker(pytest.mark.lent)
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.module.__name__, len(rank)))  # stable : l'ordre reste dans chaque module
