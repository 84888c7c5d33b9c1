"""Chaque notebook source s'exécute de bout en bout sans erreur en budget rapide ; nbgrader valide la
source du devoir le moins cher.

Aucune durée n'est vérifiée ici (elle dépend de la charge de la machine) : les secondes et la
mémoire de chaque budget se mesurent avec ``python benchmarks/budgets.py`` (README, « Budgets
mesurés »). Le délai de ``notebook_run`` (600 s par notebook) n'est qu'un garde-fou.
"""

import shutil

import pytest

from notebook_run import run_source
from paths import ROOT, assignments, nbgrader


@pytest.mark.parametrize("assignment", assignments())
def test_source_runs_top_to_bottom_without_error_in_the_rapide_budget(assignment, tmp_path):
    run = run_source(assignment, "rapide", tmp_path)
    assert not run.errors, run.errors


# La commande que lancent les étudiants (bouton Validate), sur un devoir : que la solution de chaque
# devoir passe tous ses tests sous nbgrader (même budget ``correction``, tests cachés compris), la
# copie « juste » de tests/test_autograde.py le prouve déjà pour les six.
@pytest.mark.parametrize("assignment", ["00_prise_en_main"])
def test_nbgrader_validate_passes_the_source(assignment, tmp_path):
    work = tmp_path / assignment
    shutil.copytree(ROOT / "source" / assignment, work)
    result = nbgrader("validate", str(work / f"{assignment}.ipynb"), cwd=ROOT)
    assert "Success! Your notebook passes all the tests." in result.stdout, result.stdout
