"""Dessin d'un modèle Keras, avec ou sans Graphviz (course.modeles)."""

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402

from course import modeles  # noqa: E402


def petit_autoencodeur():
    encodeur = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(2)])
    decodeur = keras.Sequential([keras.Input((2,)), keras.layers.Dense(784), keras.layers.Reshape((28, 28, 1))])
    entree = keras.Input((28, 28, 1))
    return keras.Model(entree, decodeur(encodeur(entree)), name="ae")


def test_layers_are_listed_through_submodels():
    genres = [(genre, forme) for _, genre, forme in modeles.couches(petit_autoencodeur())]
    assert genres == [("Flatten", (None, 784)), ("Dense", (None, 2)), ("Dense", (None, 784)),
                      ("Reshape", (None, 28, 28, 1))]


def test_fallback_drawing_without_graphviz(monkeypatch, capsys):
    import matplotlib.pyplot as plt

    monkeypatch.setattr(modeles, "graphviz_disponible", lambda: False)
    plt.close("all")
    modeles.dessiner(petit_autoencodeur())
    assert "Graphviz (pydot et dot) n'est pas installé" in capsys.readouterr().out
    textes = [t.get_text() for t in plt.gcf().axes[0].texts if t.get_text()]
    assert len(textes) == 4 and textes[0].startswith("Flatten") and "(None, 28, 28, 1)" in textes[-1]


def test_saved_autoencoder_is_reloaded_as_encoder_and_decoder(tmp_path):
    import numpy as np

    ae = petit_autoencodeur()
    ae.save(tmp_path / "ae.keras")
    encodeur, decodeur = modeles.charger_autoencodeur(tmp_path / "ae.keras", latent_dim=2)
    x = np.random.default_rng(0).random((3, 28, 28, 1)).astype("float32")
    assert np.allclose(decodeur(encodeur(x)), ae(x), atol=1e-6)
    assert modeles.charger_autoencodeur(tmp_path / "ae.keras", latent_dim=3) is None  # autre dimension


def test_missing_broken_or_unsuitable_files_give_none(tmp_path):
    assert modeles.charger_autoencodeur(tmp_path / "absent.keras", latent_dim=2) is None
    (tmp_path / "tronque.keras").write_bytes(b"PK\x03\x04 pas un vrai fichier")
    assert modeles.charger_autoencodeur(tmp_path / "tronque.keras", latent_dim=2) is None
    seul = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(2)])
    seul.save(tmp_path / "seul.keras")  # pas de sous-modèles encodeur et décodeur
    assert modeles.charger_autoencodeur(tmp_path / "seul.keras", latent_dim=2) is None


def petit_generateur(latent_dim=3, conditionnel=False, cote=28):
    z = keras.Input((latent_dim,))
    entrees = [z, keras.Input((10,))] if conditionnel else [z]
    h = keras.layers.Concatenate()(entrees) if conditionnel else z
    images = keras.layers.Reshape((cote, cote, 1))(keras.layers.Dense(cote * cote, activation="tanh")(h))
    return keras.Model(entrees if conditionnel else z, images)


def test_saved_generator_is_reloaded_with_its_training_time(tmp_path):
    import json

    import numpy as np

    generateur = petit_generateur()
    infos = modeles.sauver_generateur(generateur, tmp_path / "generateur.keras", secondes=12.345, epoques=5)
    assert infos == {"secondes": 12.3, "epoques": 5, "latent_dim": 3}
    assert json.loads((tmp_path / "generateur.json").read_text(encoding="utf-8")) == infos
    recharge, lues = modeles.charger_generateur(tmp_path / "generateur.keras", latent_dim=3)
    assert lues == infos
    z = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    assert np.allclose(recharge(z), generateur(z), atol=1e-6)
    (tmp_path / "generateur.json").unlink()  # sans son JSON, le générateur reste utilisable
    assert modeles.charger_generateur(tmp_path / "generateur.keras", latent_dim=3)[1] == {}


def test_saved_conditional_generator_is_reloaded(tmp_path):
    import numpy as np

    generateur = petit_generateur(conditionnel=True)
    modeles.sauver_generateur(generateur, tmp_path / "cond.keras", secondes=3, epoques=2)
    recharge, infos = modeles.charger_generateur(tmp_path / "cond.keras", latent_dim=3, conditionnel=True)
    assert infos == {"secondes": 3.0, "epoques": 2, "latent_dim": 3}
    entrees = [np.ones((2, 3), "float32"), np.eye(10, dtype="float32")[:2]]
    assert np.allclose(recharge(entrees), generateur(entrees), atol=1e-6)
    # Le même fichier ne convient pas à qui attend un générateur sans étiquette.
    assert modeles.charger_generateur(tmp_path / "cond.keras", latent_dim=3) is None


def test_absent_broken_or_misshapen_generators_give_none(tmp_path):
    assert modeles.charger_generateur(tmp_path / "absent.keras", latent_dim=3) is None
    (tmp_path / "tronque.keras").write_bytes(b"PK\x03\x04 pas un vrai fichier")
    assert modeles.charger_generateur(tmp_path / "tronque.keras", latent_dim=3) is None
    modeles.sauver_generateur(petit_generateur(), tmp_path / "g.keras", secondes=1, epoques=1)
    assert modeles.charger_generateur(tmp_path / "g.keras", latent_dim=4) is None  # autre latent_dim
    assert modeles.charger_generateur(tmp_path / "g.keras", latent_dim=3, conditionnel=True) is None
    modeles.sauver_generateur(petit_generateur(cote=14), tmp_path / "petit.keras", secondes=1, epoques=1)
    assert modeles.charger_generateur(tmp_path / "petit.keras", latent_dim=3) is None  # images 14 × 14
    petit_autoencodeur().save(tmp_path / "ae.keras")  # entrée (28, 28, 1) : pas un générateur
    assert modeles.charger_generateur(tmp_path / "ae.keras", latent_dim=3) is None
