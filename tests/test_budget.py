"""Les trois budgets d'exécution (course/budget.py)."""

import pytest

from course import budget


def test_default_mode_is_complet(monkeypatch):
    monkeypatch.delenv("COURSE_BUDGET", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert budget.mode_actuel() == "complet"


def test_course_budget_selects_rapide(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("COURSE_BUDGET", "rapide")
    assert budget.mode_actuel() == "rapide"
    assert budget.tailles("00_prise_en_main").mode == "rapide"


@pytest.mark.parametrize("phase", ["autograde", "validate"])
def test_nbgrader_execution_selects_correction(monkeypatch, phase):
    monkeypatch.setenv("COURSE_BUDGET", "complet")
    monkeypatch.setenv("NBGRADER_EXECUTION", phase)
    assert budget.mode_actuel() == "correction"


def test_unknown_mode_is_explained_in_french(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("COURSE_BUDGET", "turbo")
    with pytest.raises(ValueError, match="ne désigne aucun budget"):
        budget.mode_actuel()


@pytest.mark.parametrize("notebook", budget.notebooks_connus())
def test_correction_is_at_most_rapide_and_rapide_at_most_complet(notebook):
    correction, rapide, complet = (budget.tailles(notebook, m) for m in ("correction", "rapide", "complet"))
    for field in ("n_entrainement", "n_test", "epoques"):
        assert getattr(correction, field) <= getattr(rapide, field) <= getattr(complet, field), field



def test_every_mode_knows_the_same_notebooks():
    assert budget.notebooks_connus() == sorted(budget._TABLE["rapide"]) == sorted(budget._TABLE["correction"])


def test_unknown_notebook_is_an_error_in_french():
    with pytest.raises(ValueError, match="Notebook inconnu du budget : '04_vea'"):
        budget.tailles("04_vea", "complet")


def test_xla_only_in_complet():
    """La compilation XLA ne se paie qu'en complet (04_vae l'utilise via ``tailles.xla``)."""
    assert [budget.tailles("04_vae", m).xla for m in budget.MODES] == [True, False, False]


def test_eager_only_in_correction():
    """Sans graphe seulement pour les quelques lots d'une copie corrigée (03 et 04 via ``tailles.eager``)."""
    assert [budget.tailles("03_ae_convolutif", m).eager for m in budget.MODES] == [False, False, True]
