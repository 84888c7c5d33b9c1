"""Outils communs des bancs d'essai : le code d'un notebook source, et un chronomètre d'entraînement.

- ``notebook_namespace`` exécute les cellules de définition d'un notebook de ``source/`` (ses
  cellules verrouillées non notées et ses solutions) : un banc d'essai mesure le code du notebook,
  pas une copie.
- ``Chronometre`` arrête ``fit`` après une durée d'entraînement donnée et prend une mesure à
  intervalles réguliers, chronomètre arrêté pendant la mesure.
"""

import contextlib
import io
import linecache
import pathlib
import time

import keras
import nbformat

ROOT = pathlib.Path(__file__).resolve().parent.parent


def source_notebook(assignment):
    """Chemin du notebook enseignant ``source/<assignment>/<assignment>.ipynb``."""
    return ROOT / "source" / assignment / f"{assignment}.ipynb"


def notebook_namespace(notebook):
    """Exécute les cellules de définition verrouillées (non notées) et les solutions du notebook
    ``notebook`` (un chemin), dans l'ordre ; renvoie l'espace de noms obtenu (un dict).

    Les cellules d'entraînement et de figures, ni verrouillées ni solutions, ne sont pas exécutées.
    Ce que les cellules impriment (le code de ``GANAvance`` que montre 05, par exemple) est pour
    l'étudiant, pas pour le banc : il n'est pas affiché.
    """
    notebook = pathlib.Path(notebook)
    if not notebook.exists():
        raise FileNotFoundError(f"Notebook introuvable : {notebook}")
    namespace = {}
    for cell in nbformat.read(notebook, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and (meta.get("solution") or (meta.get("locked") and not meta.get("grade"))):
            nom = f"<{notebook.name}:{meta.get('grade_id', '?')}>"
            # Le source dans linecache : tracebacks lisibles, et AutoGraph (tf.function) le retrouve.
            linecache.cache[nom] = (len(cell.source), None, cell.source.splitlines(True), nom)
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(cell.source, nom, "exec"), namespace)
    return namespace


class Chronometre(keras.callbacks.Callback):
    """Arrête l'entraînement après ``duree`` secondes passées dans les pas d'entraînement ; appelle
    ``mesurer()`` tous les ``pas`` secondes (et au départ si ``initial``), chronomètre arrêté.

    ``points`` : liste de ``(secondes d'entraînement, mesure)`` ; ``n_pas`` : pas d'entraînement
    faits. ``decrire(mesure)`` donne le texte affiché à chaque mesure. Le premier pas compte le
    traçage (et la compilation XLA) du pas d'entraînement : c'est du temps d'entraînement réel.
    """

    def __init__(self, mesurer, duree, pas, decrire=str, initial=True):
        super().__init__()
        self.mesurer, self.duree, self.pas, self.decrire = mesurer, duree, pas, decrire
        self.points = [(0.0, mesurer())] if initial else []
        self.ecoule, self.prochain, self.n_pas = 0.0, pas, 0

    def on_train_batch_begin(self, batch, logs=None):
        self.debut = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.ecoule += time.perf_counter() - self.debut
        self.n_pas += 1
        if self.ecoule >= self.prochain or self.ecoule >= self.duree:
            self.points.append((self.ecoule, self.mesurer()))
            print(f"  {self.ecoule:6.1f} s ({self.n_pas} pas) : {self.decrire(self.points[-1][1])}", flush=True)
            while self.prochain <= self.ecoule:  # un pas plus long que ``pas`` : une seule mesure
                self.prochain += self.pas
        if self.ecoule >= self.duree:
            self.model.stop_training = True
