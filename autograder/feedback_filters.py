"""Préprocesseur nbgrader des retours : le code des tests cachés n'y apparaît jamais.

``nbgrader generate_feedback`` part des notebooks corrigés, qui contiennent les tests cachés
(nbgrader les remet pour les exécuter). Avant d'en faire du HTML, ce préprocesseur :

- retire des cellules de test les régions ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``
  (avec le ``ClearHiddenTests`` de nbgrader) ;
- réduit la trace d'une erreur levée dans une telle cellule à sa dernière ligne (type et message),
  car une trace IPython cite les lignes du test qui a échoué.

Le message d'erreur, rédigé par l'enseignant pour guider l'étudiant, reste visible.
"""

from nbgrader.preprocessors import ClearHiddenTests


class HideHiddenTests(ClearHiddenTests):
    """Masque les tests cachés et les traces d'erreur qui les citeraient."""

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and self.begin_test_delimeter in cell.source:
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return super().preprocess_cell(cell, resources, cell_index)
