"""Bancs d'essai : celui du VAE lit bien le code du notebook et interpole correctement ses mesures ;
celui des budgets mesure un notebook (secondes, mémoire) et refuse un devoir ou un budget inconnu."""

import importlib.util
import re
import subprocess
import sys

import numpy as np
import pytest

from paths import ROOT, environment

spec = importlib.util.spec_from_file_location("vae_elbo", ROOT / "benchmarks" / "vae_elbo.py")
vae_elbo = importlib.util.module_from_spec(spec)
spec.loader.exec_module(vae_elbo)


def test_interpolation_and_time_to_reach():
    points = [(0.0, 500.0), (10.0, 300.0), (20.0, 260.0)]
    assert vae_elbo.valeur_a(points, 15) == 280.0
    assert vae_elbo.temps_pour_atteindre(points, 300.0) == 10.0
    assert vae_elbo.temps_pour_atteindre(points, 280.0) == 15.0
    assert vae_elbo.temps_pour_atteindre(points, 100.0) is None


def test_benchmark_runs_the_notebook_code_and_the_classic_recipe():
    ns = vae_elbo.notebook_namespace()
    for model in (ns["construire_encodeur"](2), *vae_elbo.classic_models(ns)[:1]):
        outputs = model(np.zeros((3, 28, 28, 1), "float32"))
        assert [tuple(o.shape) for o in outputs] == [(3, 2)] * 3
    encodeur, decodeur = vae_elbo.classic_models(ns)
    assert tuple(decodeur.output_shape) == (None, 28, 28, 1)
    vae = vae_elbo.vae_du_notebook(ns, encodeur, decodeur)
    x = np.random.default_rng(0).random((600, 28, 28, 1)).astype("float32")
    value = vae_elbo.moins_elbo(ns, vae, x)()
    assert np.isfinite(value) and value > 0


def test_budget_benchmark_measures_a_notebook_in_the_correction_budget():
    # Configuration bon marché : un notebook, un budget ; le verdict dépend de la charge, pas le format.
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "budgets.py"), "--budgets", "correction",
         "--notebooks", "00_prise_en_main"],
        cwd=ROOT, env=environment(), capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    row = re.search(r"^\| `00_prise_en_main` \| correction \| (\d+),\d \| 60 \| (\d+) Mio \| "
                    r"(dans la limite|\*\*au-delà de la limite\*\*) \|$", result.stdout, re.M)
    assert row, result.stdout
    seconds, memory = int(row[1]), int(row[2])
    assert seconds >= 1, "un noyau qui importe TensorFlow ne démarre pas en moins d'une seconde"
    assert memory >= 100, "mémoire du noyau non mesurée (TensorFlow seul dépasse 100 Mio)"


def test_budget_benchmark_refuses_an_unknown_notebook_or_budget(capsys):
    spec = importlib.util.spec_from_file_location("budgets", ROOT / "benchmarks" / "budgets.py")
    budgets = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(budgets)
    for option, wrong in (("--notebooks", "99_inconnu"), ("--budgets", "lent")):
        with pytest.raises(SystemExit) as exit_info:
            budgets.main([option, wrong])
        assert exit_info.value.code == 2
        assert wrong in capsys.readouterr().err


def test_gan_vae_benchmark_trains_the_three_models_and_prints_its_table(tmp_path):
    # Quelques secondes par modèle sur un petit sous-ensemble : le format et les fichiers, pas les valeurs.
    figures = tmp_path / "figures"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "gan_vae.py"), "--secondes", "2", "--pas", "1",
         "--n-eval", "300", "--n-entrainement", "1024", "--epoques-classifieur", "1",
         "--cache", str(tmp_path / "cache"), "--figures", str(figures)],
        cwd=ROOT, env=environment(), capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    number = r"(\d+,\d+)"
    for label in ("GAN du notebook 05_gan", "DCGAN simple \\(référence\\)", "VAE du notebook 04_vae",
                  "réel contre réel \\(entraînement / test\\)"):
        row = re.search(rf"^\| {label} \| {number} \| {number} \| {number} \| {number} % \| (\d+|—) \|$",
                        result.stdout, re.M)
        assert row, f"ligne {label!r} absente ou mal formée :\n{result.stdout}"
        assert all(float(value.replace(",", ".")) >= 0 for value in row.groups()[:4])
    assert len(list((tmp_path / "cache").glob("classifieur-*.keras"))) == 1
    for model in ("gan", "dcgan", "vae"):
        assert list(figures.glob(f"{model}-*s.png")), f"aucune grille d'images pour {model}"
    assert (figures / "reelles.png").exists()
