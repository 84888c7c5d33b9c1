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


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.module.__name__ in SLOW_MODULES:
            item.add_marker(pytest.mark.lent)
