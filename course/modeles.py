"""Les couches d'un modèle Keras et son dessin (introduit dans ``01_ae_lineaire``).

``keras.utils.plot_model`` a besoin de pydot et de l'exécutable ``dot`` de Graphviz, souvent
absents d'un portable. Sans eux, ``dessiner`` trace avec matplotlib la pile des couches et leurs
formes de sortie, et le dit en français : le notebook s'exécute partout.
"""

import importlib.util
import shutil


def graphviz_disponible():
    """Vrai si pydot et l'exécutable ``dot`` de Graphviz sont installés."""
    return importlib.util.find_spec("pydot") is not None and shutil.which("dot") is not None


def couches_depliees(modele):
    """Les couches de ``modele`` dans l'ordre, sous-modèles dépliés (un encodeur et un décodeur
    ``Sequential`` dans un autoencodeur, par exemple), sans les couches d'entrée."""
    import keras

    trouvees = []
    for couche in modele.layers:
        if isinstance(couche, keras.Model):
            trouvees += couches_depliees(couche)
        elif not isinstance(couche, keras.layers.InputLayer):
            trouvees.append(couche)
    return trouvees


def couches(modele):
    """Renvoie ``[(nom, type, forme de sortie)]`` pour les couches de ``modele``, sous-modèles
    dépliés (voir ``couches_depliees``)."""
    return [(couche.name, type(couche).__name__, tuple(couche.output.shape)) for couche in couches_depliees(modele)]


def dessiner(modele, fichier="modele.png"):
    """Dessine ``modele`` : avec ``keras.utils.plot_model`` si Graphviz est là, sinon une figure
    matplotlib (une boîte par couche, avec sa forme de sortie), affichée par le notebook."""
    if graphviz_disponible():
        import keras
        from IPython.display import display

        display(keras.utils.plot_model(modele, to_file=fichier, show_shapes=True, expand_nested=True))
        return
    print("Graphviz (pydot et dot) n'est pas installé : voici un dessin simplifié du modèle. "
          "Pour le dessin de Keras : pip install pydot, puis installez Graphviz.")
    import matplotlib.pyplot as plt

    lignes = couches(modele)
    figure, axe = plt.subplots(figsize=(5, 0.55 * len(lignes) + 0.4))
    axe.axis("off")
    for i, (nom, genre, forme) in enumerate(lignes):
        y = len(lignes) - 1 - i
        axe.text(0.5, y, f"{genre}  ({nom})\nsortie : {forme}", ha="center", va="center", fontsize=8,
                 bbox=dict(boxstyle="round", facecolor="#e8eef7", edgecolor="#4a6fa5"))
        if i:
            axe.annotate("", xy=(0.5, y + 0.28), xytext=(0.5, y + 0.72),
                         arrowprops=dict(arrowstyle="->", color="#4a6fa5"))
    axe.set_ylim(-0.6, len(lignes) - 0.4)
    axe.set_title(modele.name, fontsize=10)
    figure.tight_layout()


def charger_autoencodeur(chemin, latent_dim):
    """L'autoencodeur sauvegardé dans ``chemin`` (un fichier ``.keras``), en ``(encodeur, decodeur)``,
    ou ``None`` si le fichier manque ou ne convient pas (utilisé par ``04_vae`` pour reprendre
    l'autoencodeur du notebook ``02_ae_dense``).

    Convient : un modèle fait de deux sous-modèles Keras, l'encodeur puis le décodeur (comme
    l'autoencodeur du notebook 02), l'encodeur de ``(28, 28, 1)`` vers ``(latent_dim,)``, le décodeur
    de ``(latent_dim,)`` vers ``(28, 28, 1)``. Un fichier que Keras ne sait pas relire (autre version,
    couche ``Lambda`` refusée par le chargement sûr, fichier tronqué) donne aussi ``None`` : le
    notebook entraîne alors son propre modèle.
    """
    import pathlib

    if not pathlib.Path(chemin).is_file():
        return None
    import keras

    try:
        modele = keras.models.load_model(chemin, compile=False)
    except Exception:  # noqa: BLE001 (tout fichier illisible : le notebook s'en passe)
        return None
    sous_modeles = [couche for couche in modele.layers if isinstance(couche, keras.Model)]
    if len(sous_modeles) != 2:
        return None
    encodeur, decodeur = sous_modeles
    formes = {"encodeur": ((None, 28, 28, 1), (None, latent_dim)), "decodeur": ((None, latent_dim), (None, 28, 28, 1))}
    for sous_modele, (entree, sortie) in zip((encodeur, decodeur), formes.values()):
        try:
            if tuple(sous_modele.input_shape) != entree or tuple(sous_modele.output_shape) != sortie:
                return None
        except (AttributeError, ValueError):  # plusieurs entrées ou sorties
            return None
    return encodeur, decodeur


def sauver_generateur(generateur, chemin, secondes, epoques):
    """Sauvegarde ``generateur`` dans ``chemin`` (un fichier ``.keras``) et, à côté, un petit JSON de
    même nom (``generateur.keras`` -> ``generateur.json``) : ``{"secondes": durée de son entraînement,
    "epoques": époques faites, "latent_dim": dimension de son bruit}`` (utilisé par ``05_gan`` pour
    ses deux générateurs, que ``06_applications`` reprend par ``charger_generateur``). Renvoie ce
    dictionnaire."""
    import json
    import pathlib

    chemin = pathlib.Path(chemin)
    infos = {"secondes": round(float(secondes), 1), "epoques": int(epoques),
             "latent_dim": int(generateur.inputs[0].shape[-1])}
    generateur.save(chemin)
    chemin.with_suffix(".json").write_text(json.dumps(infos) + "\n", encoding="utf-8")
    return infos


def charger_generateur(chemin, latent_dim, conditionnel=False):
    """Le générateur sauvegardé dans ``chemin`` par ``sauver_generateur``, en ``(generateur, infos)``,
    ou ``None`` si le fichier manque ou ne convient pas.

    Convient : un modèle Keras de ``(latent_dim,)`` vers ``(28, 28, 1)`` ; ``conditionnel=True`` : de
    deux entrées, ``[(latent_dim,), (10,)]`` (le bruit puis l'étiquette en one-hot), vers
    ``(28, 28, 1)``. Un fichier que Keras ne sait pas relire (autre version, fichier tronqué) donne
    aussi ``None`` : le notebook entraîne alors son propre générateur. ``infos`` : le JSON voisin
    (``secondes``, ``epoques``, ``latent_dim``), ``{}`` s'il manque ou est illisible.
    """
    import json
    import pathlib

    chemin = pathlib.Path(chemin)
    if not chemin.is_file():
        return None
    import keras

    try:
        modele = keras.models.load_model(chemin, compile=False)
        entrees = [tuple(entree.shape) for entree in modele.inputs]
        sorties = [tuple(sortie.shape) for sortie in modele.outputs]
    except Exception:  # noqa: BLE001 (tout fichier illisible : le notebook s'en passe)
        return None
    attendues = [(None, latent_dim), (None, 10)] if conditionnel else [(None, latent_dim)]
    if entrees != attendues or sorties != [(None, 28, 28, 1)]:
        return None
    try:
        infos = json.loads(chemin.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        infos = {}
    return modele, infos if isinstance(infos, dict) else {}
