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
