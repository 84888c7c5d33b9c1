"""Le banc d'essai du VAE lit bien le code du notebook et interpole correctement ses mesures."""

import importlib.util

import numpy as np

from paths import ROOT

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
    vae = ns["VAE"](encodeur, decodeur)
    x = np.random.default_rng(0).random((600, 28, 28, 1)).astype("float32")
    value = vae_elbo.moins_elbo(ns, vae, x)()
    assert np.isfinite(value) and value > 0
