"""Détection de falsification par l'empreinte : les fonctions dont se servent les tests ont-elles
été remplacées ?

Avant la première cellule de l'étudiant, puis après chacune, ``execute`` évalue dans le noyau
l'expression de ``fingerprint_expression`` : l'empreinte des fonctions de numpy, TensorFlow, Keras
et ``course.verifications`` que citent les cellules de test (``watched_names``), de fonctions
natives (``ALWAYS_WATCHED``), des crochets d'erreur, d'affichage, de trace et de profilage, et de
la machinerie d'IPython. ``compare`` dit en français ce qui a changé depuis la référence.

Le programme exécuté dans le noyau est un vrai fichier Python,
``kernel_programs/fingerprint.py``, lu ici comme du texte (jamais importé). Les règles et les
tests qui les prouvent : ``docs/isolement.md`` (« Falsification des tests »).
"""

import ast
import functools
import json
import pathlib
import re

from nbgrader import utils as nbgrader_utils

# Modules dont les tests citent les fonctions (nom dans les cellules de test -> module) ; les aides
# de course.verifications (données de test, test de plage) en sont : les remplacer est surveillé.
MODULE_ALIASES = {"np": "numpy", "numpy": "numpy", "tf": "tensorflow", "tensorflow": "tensorflow",
                  "keras": "keras", "verifications": "course.verifications"}
ALWAYS_WATCHED = (
    "numpy.allclose", "numpy.isclose", "numpy.array_equal", "numpy.all", "numpy.any", "numpy.abs",
    "numpy.asarray", "numpy.testing.assert_allclose", "numpy.testing.assert_array_equal",
    "builtins.isinstance", "builtins.abs", "builtins.all", "builtins.any", "builtins.len",
    "builtins.float", "builtins.round", "builtins.sum", "builtins.max", "builtins.min",
    "builtins.tuple", "builtins.print", "builtins.AssertionError", "builtins.Exception",
    "builtins.__import__", "builtins.exec", "builtins.getattr",
)
DOTTED = re.compile(r"\b(np|numpy|tf|tensorflow|keras|verifications)((?:\.[A-Za-z_]\w*)+)")

# Le programme d'empreinte, exécuté dans le noyau (voir l'en-tête du fichier).
FINGERPRINT_FILE = pathlib.Path(__file__).with_name("kernel_programs") / "fingerprint.py"


def watched_names(nb):
    """Les noms (``numpy.allclose``, ``builtins.len``…) que surveille la détection de falsification :
    ceux que citent les cellules de test de ``nb``, plus ``ALWAYS_WATCHED``. Triés."""
    names = set(ALWAYS_WATCHED)
    for cell in nb.cells:
        if cell.cell_type == "code" and nbgrader_utils.is_grade(cell) and not nbgrader_utils.is_solution(cell):
            for root, rest in DOTTED.findall(cell.source):
                names.add(MODULE_ALIASES[root] + rest)
    return sorted(names)


def module_of(name):
    """Le module à importer avant la référence pour que ``name`` y soit résolu : le module de
    ``MODULE_ALIASES`` qui le contient (``course.verifications`` pour ses fonctions), sinon sa racine."""
    modules = sorted(set(MODULE_ALIASES.values()), key=len, reverse=True)
    return next((module for module in modules if name.startswith(module + ".")), name.split(".")[0])


@functools.cache
def _fingerprint_program():
    """Le texte de ``kernel_programs/fingerprint.py`` (lu une fois)."""
    return FINGERPRINT_FILE.read_text(encoding="utf-8")


def fingerprint_expression(names):
    """Une expression Python qui, évaluée dans le noyau, renvoie l'empreinte (texte JSON)."""
    program = f"CHEMINS = {names!r}\n{_fingerprint_program()}"
    return f"(lambda espace: (exec({program!r}, espace), espace['resultat'])[1])({{'get_ipython': get_ipython}})"


def compare(reference, current, label):
    """Description française de ce qui a changé depuis la référence, ou None."""
    if current is None:
        return f"vérification des fonctions des tests impossible après la cellule {label}"
    try:  # la valeur vient du noyau : jamais eval, seulement un littéral
        before, after = json.loads(ast.literal_eval(reference)), json.loads(ast.literal_eval(current))
    except (ValueError, SyntaxError, TypeError):
        return f"vérification des fonctions des tests impossible après la cellule {label}"
    changed = sorted(name for name, value in after.items() if name in before and before[name] != value)
    if not changed:
        return None
    shown = ", ".join(changed[:4]) + (" …" if len(changed) > 4 else "")
    return f"{shown} remplacé(s) par la cellule {label}"
