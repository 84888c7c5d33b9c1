"""Banc des variantes : les cellules de test d'une fonction notée contre du code d'étudiant.

Pour un devoir et une fonction notée (``normaliser``, ``divergence_kl`` ...), le banc prend les
cellules de test de ``source/`` (visibles et cachées, ``grade_id`` commençant par
``test_<fonction>``) et les exécute contre chaque variante de la fonction, **dans un seul noyau**,
avec le préprocesseur ``Execute`` de nbgrader et la configuration du dépôt, puis note chaque
cellule avec ``nbgrader.utils.determine_grade`` : exactement comme ``nbgrader autograde``.

Le noyau exécute d'abord les cellules de code verrouillées et non notées du notebook (la cellule
``imports``, les classes fournies comme une couche Keras) et les solutions de référence des
autres fonctions notées ; puis, pour chaque variante : la fonction est effacée, le code de la
variante est exécuté, puis les cellules de test. Une variante qui ne définit pas la fonction (ou
dont le code lève une erreur) échoue donc à ses tests, au lieu d'hériter de la précédente.

Convention imposée aux notebooks : chaque notebook a une cellule verrouillée ``imports``
(vérifié par tests/test_structure.py) ; les cellules de code verrouillées non notées ne font que
définir (imports, classes, fonctions), sans charger de données ni entraîner ; les cellules de test
n'utilisent que ces définitions et les fonctions notées (jamais les données ni un modèle entraîné).
"""

import dataclasses
import tempfile

import nbformat
import pytest
from nbgrader import utils
from nbgrader.preprocessors import Execute
from traitlets.config.loader import PyFileConfigLoader

from paths import ROOT, source_notebook


@dataclasses.dataclass
class CellResult:
    """Résultat d'une cellule de test : ses points, et le message d'erreur s'il y en a un."""

    grade_id: str
    points: float
    max_points: float
    error: str = ""

    @property
    def passed(self):
        return self.points == self.max_points


@dataclasses.dataclass
class VariantReport:
    """Résultats de toutes les cellules de test d'une fonction pour une variante."""

    name: str
    cells: list

    @property
    def passed_all(self):
        return all(cell.passed for cell in self.cells)

    @property
    def failed(self):
        return [cell.grade_id for cell in self.cells if not cell.passed]

    def describe(self):
        lines = [f"{self.name}:"]
        for cell in self.cells:
            status = "réussie" if cell.passed else f"échouée ({cell.error[:200]})"
            lines.append(f"  {cell.grade_id} {cell.points}/{cell.max_points} {status}")
        return "\n".join(lines)


def _grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def notebook_cells(assignment, function):
    """Renvoie ``(définitions, solutions, tests)`` : cellules du notebook source utiles au banc.

    ``définitions`` : les cellules de code verrouillées non notées (``imports``, classes fournies) ;
    ``solutions`` : les cellules solution des fonctions notées, par ``grade_id`` ;
    ``tests`` : les cellules notées dont le ``grade_id`` commence par ``test_<function>``.
    """
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    imports = [
        c for c in nb.cells
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("locked") and not utils.is_grade(c)
    ]
    solutions = {
        _grade_id(c): c for c in nb.cells
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")
    }
    tests = [c for c in nb.cells if utils.is_grade(c) and _grade_id(c).startswith(f"test_{function}")]
    if "imports" not in [_grade_id(c) for c in imports]:
        raise ValueError(f"{assignment} : pas de cellule verrouillée 'imports'")
    if function not in solutions:
        raise ValueError(f"{assignment} : pas de cellule solution '{function}'")
    if not tests:
        raise ValueError(f"{assignment} : aucune cellule 'test_{function}*'")
    return imports, solutions, tests


def _execute(nb, workdir):
    """Exécute ``nb`` comme nbgrader autograde (même configuration, même environnement)."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    with utils.setenv(NBGRADER_EXECUTION="autograde"):
        nb, _ = Execute(config=config).preprocess(nb, {"metadata": {"path": str(workdir)}})
    return nb


def _error_text(cell):
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            return f"{output.ename}: {output.evalue}"
        if output.output_type == "stream" and output.name == "stderr":
            return f"stderr: {output.text}"
    return ""


def run_variants(assignment, function, variants):
    """Exécute les cellules de test de ``function`` contre chaque variante ; un seul noyau.

    ``variants`` : ``{nom: code}``, chaque code définissant ``function`` (et ce dont il a
    besoin). Renvoie ``{nom: VariantReport}``. La solution de référence du notebook est ajoutée
    sous le nom ``"référence"``.
    """
    imports, solutions, tests = notebook_cells(assignment, function)
    cells = [nbformat.v4.new_code_cell(c.source) for c in imports]
    cells += [nbformat.v4.new_code_cell(c.source) for c in solutions.values()]
    spans = {}
    for name, code in {"référence": solutions[function].source, **variants}.items():
        cells.append(nbformat.v4.new_code_cell(f"globals().pop({function!r}, None)"))
        cells.append(nbformat.v4.new_code_cell(code))
        start = len(cells)
        for test in tests:
            copy = nbformat.v4.new_code_cell(test.source)
            copy.metadata["nbgrader"] = dict(test.metadata["nbgrader"])
            cells.append(copy)
        spans[name] = (start, len(cells))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    with tempfile.TemporaryDirectory() as workdir:
        nb = _execute(nb, workdir)
    reports = {}
    for name, (start, stop) in spans.items():
        results = []
        for cell in nb.cells[start:stop]:
            points, max_points = utils.determine_grade(cell)
            results.append(CellResult(_grade_id(cell), points, max_points, _error_text(cell)))
        reports[name] = VariantReport(name, results)
    return reports


def check_catalogue(assignment, function, wrong, correct):
    """Exécute le catalogue d'une fonction au banc et échoue (en listant les fautifs) si la
    référence ou une réponse juste échoue, ou si une mauvaise réponse passe tous les tests."""
    reports = run_variants(assignment, function, {**wrong, **correct})
    assert reports["référence"].passed_all, reports["référence"].describe()
    missed = [reports[name].describe() for name in wrong if reports[name].passed_all]
    rejected = [reports[name].describe() for name in correct if not reports[name].passed_all]
    assert not missed, "mauvaises réponses acceptées :\n" + "\n".join(missed)
    assert not rejected, "bonnes réponses refusées :\n" + "\n".join(rejected)


def quiz_variants(cell, answer, letters="abcd"):
    """``(mauvaises, bonnes)`` réponses d'une cellule de quiz ``cell`` (``"reponse_q1"``) dont la bonne
    lettre est ``answer`` : les autres lettres, la bonne en majuscule, suivie d'une parenthèse,
    entourée d'espaces, dans une liste, le texte au lieu de la lettre ; la lettre seule, calculée."""
    wrong = {letter: f'{cell} = "{letter}"' for letter in letters if letter != answer}
    wrong.update({
        "majuscule": f'{cell} = "{answer.upper()}"',
        "avec parenthèse": f'{cell} = "{answer})"',
        "espaces": f'{cell} = " {answer} "',
        "liste": f'{cell} = ["{answer}"]',
        "texte de la réponse": f'{cell} = "la réponse {answer}"',
    })
    correct = {
        "lettre": f"{cell} = '{answer}'",
        "calculée": f'{cell} = "{answer.upper()}".lower()',
        "indexée": f'{cell} = "{letters}"[{letters.index(answer)}]',
    }
    return wrong, correct


# Taille minimale de chaque catalogue : au moins cinq mauvaises réponses et deux justes par fonction.
MINIMUM_WRONG, MINIMUM_CORRECT = 5, 2


def catalogue_tests(assignment, catalogue):
    """Les deux tests d'un fichier ``test_variantes_<devoir>.py``, tirés de son catalogue.

    ``catalogue`` : ``{fonction notée (ou cellule de quiz): (mauvaises, justes)}``, chaque côté un
    ``{nom de la variante: code}``. Renvoie ``(test_catalogue_is_large_enough,
    test_every_variant_gets_its_expected_grade)``, à affecter sous ces noms dans le module de test
    (pytest les y trouve) ; le second est paramétré par fonction."""

    def test_catalogue_is_large_enough():
        small = {function: (len(wrong), len(correct)) for function, (wrong, correct) in catalogue.items()
                 if len(wrong) < MINIMUM_WRONG or len(correct) < MINIMUM_CORRECT}
        assert catalogue and not small, f"catalogues trop petits (mauvaises, justes) : {small}"

    @pytest.mark.parametrize("function", sorted(catalogue))
    def test_every_variant_gets_its_expected_grade(function):
        check_catalogue(assignment, function, *catalogue[function])

    return test_catalogue_is_large_enough, test_every_variant_gets_its_expected_grade
