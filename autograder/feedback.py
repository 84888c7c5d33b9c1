"""Les pages de retour aux étudiants : le code des tests cachés n'y apparaît jamais.

``nbgrader generate_feedback`` part des notebooks corrigés, qui contiennent les tests cachés
(nbgrader les remet pour les exécuter). Avant d'en faire du HTML, ce préprocesseur :

- retire des cellules de test les régions ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``
  (avec le ``ClearHiddenTests`` de nbgrader) ;
- réduit la trace d'une erreur levée dans une telle cellule à sa dernière ligne (type et message),
  car une trace IPython cite les lignes du test qui a échoué.

Le message d'erreur, rédigé par l'enseignant pour guider l'étudiant, reste visible.

``HideHiddenTests`` sert à ``nbgrader generate_feedback`` (voir nbgrader_config.py) ; ``render``
rend la même page sans carnet de notes, avec les points calculés par le correcteur de classe.
La page est en français : gabarit ``templates/retour`` (celui de nbgrader, traduit).
"""

import copy
import functools
import pathlib

import nbgrader
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor, Preprocessor
from nbgrader.preprocessors import ClearHiddenTests
from traitlets.config import Config


TEMPLATES = pathlib.Path(__file__).parent / "templates"
"""Dossier des gabarits nbconvert du cours."""

TEMPLATE = "retour"
"""Gabarit de la page de retour : celui de nbgrader (« feedback »), traduit en français, images
larges ramenées à la largeur de la page. ``nbgrader generate_feedback`` le prend aussi
(``GenerateFeedback.HTMLExporter`` dans nbgrader_config.py)."""


class HideHiddenTests(ClearHiddenTests):
    """Masque les tests cachés et les traces d'erreur qui les citeraient."""

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and self.begin_test_delimeter in cell.source:
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return super().preprocess_cell(cell, resources, cell_index)


class SetGrades(Preprocessor):
    """Écrit dans les métadonnées des cellules les points calculés par le correcteur (ce que fait
    ``GetGrades`` de nbgrader depuis le carnet de notes), pour rendre un retour sans carnet."""

    def __init__(self, grades, **kwargs):
        super().__init__(**kwargs)
        self.grades = grades

    def preprocess_cell(self, cell, resources, cell_index):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in self.grades:
            cell.metadata.nbgrader["score"], cell.metadata.nbgrader["points"] = self.grades[grade_id]
        return cell, resources


def render(nb, grades, name=None):
    """La page HTML de retour (gabarit ``feedback`` de nbgrader) d'un notebook corrigé ``nb``.

    ``grades`` : ``{grade_id: (points, points max)}`` ; ``name`` : le titre (le devoir).
    Les tests cachés et les traces qui les citent sont retirés (``HideHiddenTests``).
    """
    nb = copy.deepcopy(nb)
    score = sum(points for points, _ in grades.values())
    max_score = sum(maximum for _, maximum in grades.values())
    resources = {"nbgrader": {"notebook": name or nb.metadata.get("title", "notebook"), "score": score,
                              "max_score": max_score, "late_penalty": 0}}
    for preprocessor in (SetGrades(grades), HideHiddenTests()):
        nb, resources = preprocessor.preprocess(nb, resources)
    html, _ = _exporter().from_notebook_node(nb, resources=resources)
    return html


def bootstrap_css():
    """Dossier du ``bootstrap.min.css`` de nbgrader, que le gabarit insère dans la page."""
    formgrader = pathlib.Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    return formgrader / "static" / "node_modules" / "bootstrap" / "dist" / "css"


@functools.cache
def _exporter():
    config = Config()
    config.HTMLExporter.template_name = TEMPLATE
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.HTMLExporter.extra_template_paths = [str(bootstrap_css())]
    exporter = HTMLExporter(config=config)
    exporter.register_preprocessor(CSSHTMLHeaderPreprocessor(), enabled=True)
    return exporter
