"""Le cours sur Google Colab : cellule de mise en route et liens « Ouvrir dans Colab ».

Chaque notebook commence (avant la cellule ``imports``) par la même cellule verrouillée, non
notée, dont le texte est ``cellule()``. Elle ne fait rien hors de Colab (ni sortie ni effet : le
JupyterLab du cours, VS Code, le correcteur). Dans Colab, reconnu à son noyau (qui a importé
``google.colab`` avant la première cellule, comme le détecte handson-ml), elle installe le paquet
du cours depuis ``DEPOT`` (elle le fait elle-même : le paquet n'existe pas encore), puis appelle
``preparer()`` : dépendances absentes de Colab, gestionnaire de widgets de Colab (pour ipympl et
ipywidgets), Fashion-MNIST chargé par ``donnees.charger_fashion_mnist`` (téléchargé dans le cache
de Keras, où les cellules suivantes le retrouvent).

``DEPOT`` est la seule adresse du dépôt : la cellule des notebooks et les liens du README en sont
tirés, et tests/test_colab.py vérifie les deux. L'adresse est **provisoire** (le dépôt n'est pas
encore public) : après l'avoir changée, ``python -m course.colab --notebooks`` réécrit la cellule
des notebooks de source/, ``bash scripts/generer_release.sh`` régénère release/ et
``python -m course.colab`` imprime la liste de liens à mettre dans le README.
"""

import importlib
import subprocess
import sys
import urllib.parse

DEPOT = "https://github.com/A-REMPLACER/cours-autoencodeurs"
"""Adresse du dépôt du cours (provisoire : à remplacer par l'adresse publique)."""

BRANCHE = "main"
"""Branche dont Colab ouvre les notebooks."""

PAQUET = "course-autoencodeurs"
"""Nom du paquet du cours (pyproject.toml)."""

PAQUETS_COLAB = ("jupyterquiz==2.9.6.4", "ipympl==0.10.0")
"""Dépendances des notebooks absentes de Colab, aux versions de requirements.txt (vérifié par
tests/test_colab.py). TensorFlow, Keras, NumPy, Matplotlib et ipywidgets y sont déjà."""

GRADE_ID = "colab"
"""``grade_id`` de la cellule de mise en route dans les notebooks."""

INSTALLATION = f"{PAQUET} @ git+{DEPOT}@{BRANCHE}"


def cellule():
    """Texte de la cellule de mise en route (identique dans tous les notebooks)."""
    return f'''# Mise en route sur Google Colab ; ailleurs, cette cellule ne fait rien. Ne la modifiez pas.
import sys

if "google.colab" in sys.modules:
    import importlib, subprocess

    cours = "{INSTALLATION}"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", cours], check=True)
    importlib.invalidate_caches()
    from course import colab

    colab.preparer()'''


def preparer():
    """Termine la mise en route dans Colab (appelée par la cellule, une fois le paquet installé).

    Installe ``PAQUETS_COLAB``, active le gestionnaire de widgets de Colab (sans lui, les figures
    ipympl et les curseurs restent muets) et charge Fashion-MNIST une première fois ; dit en
    une ligne ce qui est prêt.
    """
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *PAQUETS_COLAB], check=True)
    importlib.invalidate_caches()
    from google.colab import output

    from course import donnees

    output.enable_custom_widget_manager()
    (x_train, _), (x_test, _) = donnees.charger_fashion_mnist()
    print(f"Colab prêt : paquet du cours installé, widgets activés, Fashion-MNIST chargé "
          f"({len(x_train)} images d'entraînement, {len(x_test)} de test).")


def lien(devoir):
    """Adresse qui ouvre ``release/<devoir>/<devoir>.ipynb`` du dépôt dans Colab."""
    chemin = urllib.parse.urlsplit(DEPOT).path.strip("/")
    return (f"https://colab.research.google.com/github/{chemin}/blob/{BRANCHE}/"
            f"release/{devoir}/{devoir}.ipynb")


def liste_readme(devoirs):
    """Liste Markdown des liens « Ouvrir dans Colab », un par devoir (celle du README)."""
    return "\n".join(f"- [`{devoir}` : Ouvrir dans Colab]({lien(devoir)})" for devoir in devoirs)


def mettre_a_jour(notebooks):
    """Remplace le texte de la cellule ``colab`` de chaque notebook (chemins) par ``cellule()``."""
    import nbformat

    for chemin in notebooks:
        nb = nbformat.read(chemin, as_version=4)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == GRADE_ID:
                cell.source = cellule()
        nbformat.write(nb, chemin)


def _devoirs(racine):
    return sorted(p.name for p in (racine / "source").iterdir() if (p / f"{p.name}.ipynb").exists())


def main(argv=None):
    """``python -m course.colab`` : la liste du README ; ``--notebooks`` : réécrit la cellule."""
    import pathlib

    argv = sys.argv[1:] if argv is None else argv
    racine = pathlib.Path.cwd()
    devoirs = _devoirs(racine)
    if argv == ["--notebooks"]:
        mettre_a_jour([racine / "source" / d / f"{d}.ipynb" for d in devoirs])
        print("Cellules réécrites ; lancez bash scripts/generer_release.sh.")
    elif not argv:
        print(liste_readme(devoirs))
    else:
        sys.exit("usage : python -m course.colab [--notebooks] (depuis la racine du dépôt)")


if __name__ == "__main__":
    main()
