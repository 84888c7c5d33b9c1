"""Lecture des notebooks source : régions solution et tests cachés, soumissions fabriquées."""

import keyword
import re

import nbformat

from paths import ROOT, release_notebook, source_notebook

MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
REGION = {
    "solution": re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S),
    "hidden": re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S),
}


def read(path):
    return nbformat.read(path, as_version=4)


def nbgrader_meta(cell):
    return cell.metadata.get("nbgrader", {})


def secret_lines(assignment, kind):
    """Lignes propres aux régions ``kind`` (``solution`` ou ``hidden``) du notebook source.

    Une ligne qui figure aussi hors de ces régions (un import, un ``return``) n'est pas
    secrète : seules restent celles qu'une version étudiante ne doit jamais contenir. Une ligne du
    paquet ``course`` ne l'est pas davantage : l'étudiant l'installe, et ``04_vae`` affiche le code
    de sa classe ``VAE`` (``with tf.GradientTape() as bande:``, comme dans ses tests cachés). Une ligne
    faite seulement de mots-clés et de ponctuation (``) from None``, ``else:``) ne dit rien du
    test et se retrouve dans n'importe quelle trace d'erreur (celle de Keras contient
    ``raise e.with_traceback(filtered_tb) from None``) : elle ne compte pas non plus.
    """
    nb = read(source_notebook(assignment))
    inside, outside = set(), set()
    for module in (ROOT / "course").glob("*.py"):
        outside.update(line.strip() for line in module.read_text(encoding="utf-8").splitlines())
    for cell in nb.cells:
        text = cell.source
        for match in REGION[kind].finditer(text):
            inside.update(line.strip() for line in match.group(1).splitlines())
        outside.update(line.strip() for line in REGION[kind].sub("", text).splitlines())
    return {line for line in inside - outside if len(line) > 3 and not line.startswith("#") and says_something(line)}


def says_something(line):
    """Vrai si ``line`` contient un nom, un nombre ou un texte, pas seulement des mots-clés."""
    return any(not keyword.iskeyword(word) for word in re.findall(r"\w+", line))


def solution_code(cell_source):
    """Le code d'une cellule solution du notebook source, sans les marqueurs nbgrader."""
    return "\n".join(line for line in cell_source.splitlines() if line.strip() not in MARKERS)


def correct_submission(assignment, extra_code=None):
    """La version étudiante avec chaque cellule solution remplie par la solution de référence.

    ``extra_code`` : ``{grade_id: code}`` ajouté au début des cellules solution choisies
    (par exemple, du bruit sur stderr).
    """
    solutions = {
        nbgrader_meta(c)["grade_id"]: c.source
        for c in read(source_notebook(assignment)).cells if nbgrader_meta(c).get("solution")
    }
    nb = read(release_notebook(assignment))
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("solution"):
            code = solution_code(solutions[grade_id])
            if extra_code and grade_id in extra_code:
                code = extra_code[grade_id] + "\n" + code
            cell.source = code
    return nb


def with_answer(assignment, function, code):
    """La copie juste, sauf la cellule réponse ``function``, remplacée par ``code``."""
    nb = correct_submission(assignment)
    cells = [cell for cell in nb.cells if nbgrader_meta(cell).get("grade_id") == function]
    assert len(cells) == 1, f"{assignment} : pas de cellule réponse {function!r}"
    cells[0].source = code
    return nb
