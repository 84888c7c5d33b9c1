"""course.qualite : distance de Fréchet (formes fermées), histogramme des classes, classifieur et
son cache, sur de vrais calculs (vrai Fashion-MNIST, vrai entraînement Keras, vrais fichiers)."""

import math
import re

import matplotlib
import numpy as np
import pytest

from course import donnees, qualite

matplotlib.use("Agg")


def with_moments(rng, n, mean, cov):
    """n échantillons dont la moyenne et la covariance empiriques (ddof=1) valent exactement
    ``mean`` et ``cov`` : des gaussiennes blanchies puis colorées."""
    z = rng.normal(size=(n, len(mean)))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    return np.asarray(mean) + z @ np.linalg.cholesky(np.asarray(cov)).T


def random_spd(rng, d):
    a = rng.normal(size=(d, d))
    return a @ a.T + 0.1 * np.eye(d)


# --- distance de Fréchet ---------------------------------------------------------------------

def test_frechet_is_zero_for_identical_sets_and_row_order():
    a = np.random.default_rng(0).normal(size=(400, 6))
    assert qualite.distance_frechet(a, a) == pytest.approx(0, abs=1e-9)
    assert qualite.distance_frechet(a, a[::-1]) == pytest.approx(0, abs=1e-9)


def test_frechet_is_symmetric():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(300, 5))
    b = rng.normal(size=(200, 5)) @ random_spd(rng, 5) + 1.0
    assert qualite.distance_frechet(a, b) == pytest.approx(qualite.distance_frechet(b, a), rel=1e-9)


def test_frechet_matches_the_closed_form_for_diagonal_gaussians():
    rng = np.random.default_rng(2)
    mu_a, mu_b = rng.normal(size=4), rng.normal(size=4)
    sd_a, sd_b = rng.uniform(0.5, 2, 4), rng.uniform(0.5, 2, 4)
    a = with_moments(rng, 500, mu_a, np.diag(sd_a**2))
    b = with_moments(rng, 700, mu_b, np.diag(sd_b**2))
    expected = np.sum((mu_a - mu_b) ** 2) + np.sum((sd_a - sd_b) ** 2)
    assert qualite.distance_frechet(a, b) == pytest.approx(expected, rel=1e-8)


def test_frechet_matches_closed_forms_for_full_covariances():
    rng = np.random.default_rng(3)
    d = 5
    sigma = random_spd(rng, d)
    mu_a, mu_b = rng.normal(size=d), rng.normal(size=d)
    # Σ_b = c² Σ_a : Tr((Σ_a Σ_b)^{1/2}) = c Tr(Σ_a), donc d = ‖Δμ‖² + (1 − c)² Tr(Σ_a).
    c = 1.7
    a = with_moments(rng, 600, mu_a, sigma)
    b = with_moments(rng, 600, mu_b, c**2 * sigma)
    expected = np.sum((mu_a - mu_b) ** 2) + (1 - c) ** 2 * np.trace(sigma)
    assert qualite.distance_frechet(a, b) == pytest.approx(expected, rel=1e-8)
    # Covariances quelconques : la trace de la racine par les valeurs propres (réelles, ≥ 0) du
    # produit non symétrique Σ_a Σ_b, un calcul indépendant de celui du module.
    sigma_b = random_spd(rng, d)
    b = with_moments(rng, 600, mu_b, sigma_b)
    root_trace = np.sum(np.sqrt(np.linalg.eigvals(sigma @ sigma_b).real))
    expected = np.sum((mu_a - mu_b) ** 2) + np.trace(sigma) + np.trace(sigma_b) - 2 * root_trace
    assert qualite.distance_frechet(a, b) == pytest.approx(expected, rel=1e-8)


def test_frechet_of_a_shift_is_the_squared_shift_and_grows_with_it():
    a = np.random.default_rng(4).normal(size=(300, 8))
    direction = np.linspace(-1, 1, 8)
    distances = [qualite.distance_frechet(a, a + t * direction) for t in (0.0, 0.25, 0.5, 1.0, 2.0)]
    assert distances == pytest.approx([t**2 * np.sum(direction**2) for t in (0.0, 0.25, 0.5, 1.0, 2.0)],
                                      rel=1e-8, abs=1e-9)
    assert all(x < y for x, y in zip(distances, distances[1:]))


def test_frechet_is_finite_and_non_negative_for_singular_covariances():
    rng = np.random.default_rng(5)
    a = np.maximum(rng.normal(size=(6, 20)), 0)  # moins d'échantillons que de dimensions,
    a[:, :5] = 0  # et des neurones ReLU morts (colonnes nulles)
    b = np.maximum(rng.normal(size=(9, 20)), 0)
    for x, y in ((a, a), (a, b), (b, a)):
        value = qualite.distance_frechet(x, y)
        assert np.isfinite(value) and value >= 0
    assert qualite.distance_frechet(a, a) == pytest.approx(0, abs=1e-6)


def test_frechet_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="même d"):
        qualite.distance_frechet(np.zeros((5, 3)), np.zeros((5, 4)))
    with pytest.raises(ValueError, match="deux échantillons"):
        qualite.distance_frechet(np.zeros((1, 3)), np.zeros((5, 3)))


# --- histogramme des classes -----------------------------------------------------------------

def test_class_proportions_on_known_input():
    p = qualite.proportions_classes(np.array([0, 0, 2, 9]))
    assert p.shape == (10,)
    assert np.allclose(p, [0.5, 0, 0.25, 0, 0, 0, 0, 0, 0, 0.25])
    assert qualite.proportions_classes([1, 1, 0], n_classes=3) == pytest.approx([1 / 3, 2 / 3, 0])
    with pytest.raises(ValueError, match="de 0 à 9"):
        qualite.proportions_classes([0, 10])


def test_kl_to_uniform_on_known_inputs():
    assert qualite.kl_uniforme(np.full(10, 0.1)) == pytest.approx(0, abs=1e-12)
    assert qualite.kl_uniforme(np.eye(10)[3]) == pytest.approx(math.log(10))
    assert qualite.kl_uniforme([0.5, 0.5] + [0] * 8) == pytest.approx(math.log(5))
    p = np.random.default_rng(6).dirichlet(np.ones(10))
    assert qualite.kl_uniforme(p) == pytest.approx(np.sum(p * np.log(p)) + math.log(10))
    with pytest.raises(ValueError, match="somme 1"):
        qualite.kl_uniforme([0.5, 0.2])


def test_histograms_show_both_distributions_with_french_names():
    real = np.full(10, 0.1)
    fake = qualite.proportions_classes(np.array([1] * 7 + [2] * 3))
    figure = qualite.afficher_histogrammes(real, fake)
    axes = figure.axes
    assert len(axes) == 2
    for axe, expected in zip(axes, (real, fake)):
        assert [bar.get_height() for bar in axe.patches] == pytest.approx(list(expected))
        assert [t.get_text() for t in axe.get_xticklabels()] == list(donnees.NOMS_CLASSES)
    assert "Images générées" in axes[1].get_title()


# --- diversité dans chaque classe ------------------------------------------------------------

def test_nearest_neighbour_distance_on_known_points():
    # Sur une droite, 0, 1 et 3 : plus proches voisins à 1, 1 et 2.
    assert qualite.distance_plus_proche_voisin([[0.0], [1.0], [3.0]]) == pytest.approx(4 / 3)
    # Les sommets d'un carré de côté 2 (en 2 D) : chacun à 2 de son voisin.
    carre = [[0, 0], [0, 2], [2, 0], [2, 2]]
    assert qualite.distance_plus_proche_voisin(carre) == pytest.approx(2)
    # Un point en double : distance 0 pour les deux copies.
    assert qualite.distance_plus_proche_voisin([[0.0, 0.0], [0.0, 0.0], [6.0, 8.0]]) == pytest.approx(10 / 3)
    with pytest.raises(ValueError, match="deux points"):
        qualite.distance_plus_proche_voisin(np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"\(n, d\)"):
        qualite.distance_plus_proche_voisin(np.zeros(5))


def test_nearest_neighbour_distance_matches_a_direct_loop():
    x = np.random.default_rng(7).normal(size=(40, 6))
    direct = np.mean([min(np.linalg.norm(x[i] - x[j]) for j in range(40) if j != i) for i in range(40)])
    assert qualite.distance_plus_proche_voisin(x) == pytest.approx(direct, rel=1e-9)


def test_within_class_diversity_sees_a_collapse_a_histogram_cannot():
    # Dix classes à parts égales des deux côtés (histogrammes identiques), mais la classe 3 des
    # images « générées » n'est que cinq points répétés : son rapport tombe loin sous 1, les
    # autres restent près de 1.
    rng = np.random.default_rng(8)
    centres = rng.normal(0, 10, size=(10, 8))
    classes = np.repeat(np.arange(10), 200)
    reelles = centres[classes] + rng.normal(size=(2000, 8))
    generees = centres[classes] + rng.normal(size=(2000, 8))
    cinq = centres[3] + rng.normal(size=(5, 8))
    generees[classes == 3] = cinq[np.arange(200) % 5] + 0.01 * rng.normal(size=(200, 8))
    assert np.allclose(qualite.proportions_classes(classes), 0.1)
    lignes = qualite.diversite_par_classe(generees, classes, reelles, classes)
    assert [ligne["classe"] for ligne in lignes] == list(range(10))
    assert all(ligne["n"] == 200 for ligne in lignes)
    assert lignes[3]["rapport"] < 0.05
    for ligne in lignes[:3] + lignes[4:]:
        assert 0.8 < ligne["rapport"] < 1.25, ligne
        assert ligne["rapport"] == pytest.approx(ligne["generees"] / ligne["reelles"])


def test_within_class_diversity_uses_the_same_number_of_images_on_both_sides():
    rng = np.random.default_rng(9)
    generees, reelles = rng.normal(size=(30, 4)), rng.normal(size=(500, 4))
    classes_g = np.array([0] * 25 + [1] * 4 + [2])      # 25, 4 et 1 images générées
    classes_r = np.array([0] * 300 + [1] * 150 + [2] * 50)
    lignes = qualite.diversite_par_classe(generees, classes_g, reelles, classes_r, n_max=20)
    assert [ligne["n"] for ligne in lignes] == [20, 4, 1, 0, 0, 0, 0, 0, 0, 0]
    assert np.isfinite(lignes[0]["rapport"]) and np.isfinite(lignes[1]["rapport"])
    for ligne in lignes[2:]:
        assert np.isnan(ligne["generees"]) and np.isnan(ligne["reelles"]) and np.isnan(ligne["rapport"])
    # Même graine, même tirage.
    assert qualite.diversite_par_classe(generees, classes_g, reelles, classes_r, n_max=20) == lignes
    with pytest.raises(ValueError, match="même d"):
        qualite.diversite_par_classe(generees, classes_g, reelles[:, :3], classes_r)
    with pytest.raises(ValueError, match="une classe par ligne"):
        qualite.diversite_par_classe(generees, classes_g[:-1], reelles, classes_r)
    with pytest.raises(ValueError, match="de 0 à 9"):
        qualite.diversite_par_classe(generees, classes_g + 9, reelles, classes_r)


def test_diversity_table_prints_french_names_and_dashes(capsys):
    lignes = [{"classe": 0, "n": 12, "generees": 1.5, "reelles": 3.0, "rapport": 0.5},
              {"classe": 9, "n": 1, "generees": float("nan"), "reelles": float("nan"), "rapport": float("nan")}]
    qualite.afficher_diversite(lignes)
    sortie = capsys.readouterr().out.splitlines()
    assert sortie[0].split() == ["classe", "images", "générées", "réelles", "rapport"]
    assert sortie[1].split() == [donnees.NOMS_CLASSES[0], "12", "1.50", "3.00", "0.50"]
    assert sortie[2].split() == [donnees.NOMS_CLASSES[9], "1", "—", "—", "—"]


def test_diversity_summary_names_the_lowest_and_highest_measured_classes(capsys):
    lignes = [{"classe": k, "n": 5, "generees": r, "reelles": 1.0, "rapport": r}
              for k, r in [(0, 0.9), (1, 0.4), (2, 1.3), (3, 0.8)]]
    lignes.append({"classe": 4, "n": 1, "generees": float("nan"), "reelles": float("nan"),
                   "rapport": float("nan")})  # non mesurée : ni dans la médiane ni dans les extrêmes
    basse = qualite.afficher_diversite(lignes)
    assert basse is lignes[1]
    resume = capsys.readouterr().out.splitlines()[-1]
    noms = donnees.NOMS_CLASSES
    assert resume == (f"Rapport générées / réelles, 4 classes mesurées : médiane 0.85, "
                      f"de 0.40 ({noms[1]}) à 1.30 ({noms[2]})")


def test_diversity_summary_says_when_nothing_is_measured(capsys):
    vide = [{"classe": 0, "n": 1, "generees": float("nan"), "reelles": float("nan"), "rapport": float("nan")}]
    assert qualite.afficher_diversite(vide) is None
    assert "rien à comparer" in capsys.readouterr().out


# --- le classifieur --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def data():
    (x_train, y_train), (x_test, y_test) = donnees.charger_fashion_mnist()
    return (x_train[:3000, ..., None] / np.float32(255), y_train[:3000],
            x_test[:1000, ..., None] / np.float32(255), y_test[:1000])


@pytest.fixture(scope="module")
def trained(data, tmp_path_factory):
    """Un classifieur entraîné 2 époques sur 3 000 images (quelques secondes), mis en cache."""
    x, y, _, _ = data
    cache = tmp_path_factory.mktemp("cache")
    return qualite.Classifieur.charger_ou_entrainer(x, y, epoques=2, cache=cache), cache


def test_classifier_learns_and_gives_128_features(data, trained):
    _, _, x_test, y_test = data
    classifier, _ = trained
    # Graines fixes : 2 époques sur 3 000 images donnent environ 75 % ; le hasard est à 10 %.
    assert classifier.exactitude(x_test, y_test) > 0.6
    features = classifier.caracteristiques(x_test[:50])
    assert features.shape == (50, 128) and features.dtype == np.float64
    assert features.min() >= 0 and features.max() > 0  # sorties ReLU, pas toutes nulles
    classes = classifier.classes(x_test[:50])
    assert classes.shape == (50,) and set(classes) <= set(range(10))
    assert np.array_equal(classes, np.argmax(classifier.logits(x_test[:50]), axis=1))


def test_cache_round_trip_gives_identical_predictions(data, trained, capsys):
    x, y, x_test, _ = data
    classifier, cache = trained
    capsys.readouterr()
    reloaded = qualite.Classifieur.charger_ou_entrainer(x, y, epoques=2, cache=cache)
    assert "rechargé" in capsys.readouterr().out
    assert np.array_equal(reloaded.logits(x_test), classifier.logits(x_test))
    assert np.array_equal(reloaded.caracteristiques(x_test), classifier.caracteristiques(x_test))


def test_cache_key_depends_on_data_epochs_and_seed(data, tmp_path):
    x, y, _, _ = data
    path = qualite.chemin_cache(x, y, 2, cache=tmp_path)
    assert path.parent == tmp_path and path.suffix == ".keras"
    assert qualite.chemin_cache(x.copy(), y.copy(), 2, cache=tmp_path) == path
    (x_uint8, _), _ = donnees.charger_fashion_mnist()
    tanh_scaled = x_uint8[:3000, ..., None].astype("float32") / 127.5 - 1  # comme les images d'un GAN
    assert not np.array_equal((tanh_scaled + 1) / 2, x)  # pas les mêmes flottants…
    assert qualite.chemin_cache((tanh_scaled + 1) / 2, y, 2, cache=tmp_path) == path  # …mais le même modèle
    changed = x.copy()
    changed[0, 0, 0, 0] = 0.5
    others = {qualite.chemin_cache(changed, y, 2, cache=tmp_path), qualite.chemin_cache(x, y, 3, cache=tmp_path),
              qualite.chemin_cache(x, y, 2, graine=1, cache=tmp_path), qualite.chemin_cache(x[:-1], y[:-1], 2, cache=tmp_path)}
    assert path not in others and len(others) == 4


def test_corrupt_cache_file_is_reported_and_retrained(data, tmp_path, capsys):
    x, y, x_test, y_test = data
    path = qualite.chemin_cache(x[:1000], y[:1000], 1, cache=tmp_path)
    path.write_bytes(b"pas un fichier keras")
    classifier = qualite.Classifieur.charger_ou_entrainer(x[:1000], y[:1000], epoques=1, cache=tmp_path)
    out = capsys.readouterr().out
    assert "illisible" in out and "Entraînement du classifieur" in out
    assert classifier.exactitude(x_test, y_test) > 0.3  # 1 époque sur 1 000 images : environ 60 % ; hasard : 10 %
    reloaded = qualite.Classifieur.charger(path)  # le fichier corrompu a été remplacé
    assert np.array_equal(reloaded.classes(x_test), classifier.classes(x_test))
    assert list(tmp_path.iterdir()) == [path]  # aucun fichier temporaire laissé


def test_images_outside_unit_range_are_refused_in_french(trained):
    classifier, _ = trained
    tanh_images = np.full((2, 28, 28, 1), -1.0, np.float32)
    with pytest.raises(ValueError, match=r"\(x \+ 1\) / 2"):
        classifier.caracteristiques(tanh_images)
    with pytest.raises(ValueError, match="28, 28, 1"):
        classifier.classes(np.zeros((2, 784), np.float32))


# --- l'entraînement du classifieur par course.entrainement.Suivi ----------------------------

def tailles_complet(secondes):
    """Des tailles du budget ``complet`` (seul budget à limite de temps) pour un entraînement minuscule."""
    from course import budget

    return budget.Tailles(mode="complet", n_entrainement=256, n_test=0, epoques=2, taille_lot=128,
                          secondes=secondes)


def test_classifier_trained_through_a_suivi_shows_a_bar_and_a_summary_then_is_cached(data, tmp_path, capsys):
    """Sans limite atteinte : barre de progression, bilan en une ligne, puis le fichier du cache,
    relu sans nouvel entraînement."""
    from course import entrainement

    x, y, x_test, _ = data
    suivi = entrainement.Suivi(tailles_complet(None), "classifieur", epoques=2)
    classifier = qualite.Classifieur.charger_ou_entrainer(x[:256], y[:256], epoques=2, cache=tmp_path,
                                                          suivi=suivi)
    out = capsys.readouterr().out
    assert "Entraînement du classifieur : 256 images, 2 époque(s)" in out
    assert "classifieur : 2 époque(s) complète(s) sur 2, 4 lots" in out  # 2 époques de 2 lots
    assert "arrêté" not in out
    # la barre de tqdm (course.entrainement), en texte, sur la sortie standard
    bars = [part for part in re.split(r"[\r\n]", out) if part.startswith("classifieur:")]
    assert bars and all(re.search(r"\d+/2 \[[^]]*époque", bar) for bar in bars), bars
    assert suivi.limite.epoques_finies == 2 and not suivi.limite.arrete
    path = qualite.chemin_cache(x[:256], y[:256], 2, cache=tmp_path)
    assert list(tmp_path.iterdir()) == [path]
    reloaded = qualite.Classifieur.charger_ou_entrainer(x[:256], y[:256], epoques=2, cache=tmp_path,
                                                        suivi=entrainement.Suivi(tailles_complet(None), epoques=2))
    out = capsys.readouterr().out
    assert "rechargé" in out and "Entraînement" not in out
    assert np.array_equal(reloaded.logits(x_test[:20]), classifier.logits(x_test[:20]))


def test_classifier_stopped_by_the_time_limit_says_so_and_is_not_cached(data, tmp_path, capsys):
    from course import entrainement

    x, y, _, _ = data
    suivi = entrainement.Suivi(tailles_complet(1e-9), "classifieur", epoques=2)  # arrêt après le premier lot
    classifier = qualite.Classifieur.charger_ou_entrainer(x[:256], y[:256], epoques=2, cache=tmp_path,
                                                          suivi=suivi)
    out = capsys.readouterr().out
    assert suivi.limite.arrete and suivi.limite.lots == 1 and suivi.limite.epoques_finies == 0
    assert "classifieur : 0 époque(s) complète(s) sur 2, 1 lots" in out and "arrêté par la limite de temps" in out
    assert "pas enregistré" in out
    assert list(tmp_path.iterdir()) == []  # rien dans le cache : la prochaine exécution réentraîne
    assert classifier.classes(x[:5]).shape == (5,)  # mais le classifieur sert quand même


def test_a_suivi_planned_for_other_epochs_is_refused(data, tmp_path):
    from course import entrainement

    x, y, _, _ = data
    with pytest.raises(ValueError, match="Suivi"):
        qualite.Classifieur.charger_ou_entrainer(x[:256], y[:256], epoques=3, cache=tmp_path,
                                                 suivi=entrainement.Suivi(tailles_complet(None), epoques=2))
    assert list(tmp_path.iterdir()) == []
