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
