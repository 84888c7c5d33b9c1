"""Correction de bout en bout dans un cours jetable : autograde, generate_feedback, export.

Pour chaque devoir : une copie juste, une copie vide (l'amorce) et une copie juste sauf une erreur
du catalogue des variantes. La juste a tous les points, la vide zéro, la fautive perd les points
de sa fonction et seulement ceux-là ; toutes les copies sont notées ; les retours ne montrent
aucun test caché. Pour le devoir le moins cher seulement (ce qui ne dépend pas du devoir : la
machinerie de nbgrader), deux copies de plus : une copie juste qui écrit des avertissements sur
stderr (comme TensorFlow), qui garde tous ses points, et une copie dont une fonction boucle sans
fin, qui a zéro.
"""

import csv
import re

import nbformat
import pytest
from nbgrader.api import Gradebook

import test_variantes_00_prise_en_main as v00
import test_variantes_01_ae_lineaire as v01
import test_variantes_02_ae_dense as v02
import test_variantes_03_ae_convolutif as v03
import test_variantes_04_vae as v04
import test_variantes_05_gan as v05
import test_variantes_06_applications as v06
from notebook_text import correct_submission, nbgrader_meta, read, secret_lines, with_answer
from paths import assignments, course_copy, nbgrader, release_notebook
from support import visible_text

NOISE = '''import os, sys, warnings, logging
warnings.warn("avertissement de test (comme Keras)", UserWarning)
print("message sur stderr (comme TensorFlow)", file=sys.stderr)
os.write(2, b"W0000 00:00:1 journal C++ de test\\n")
logging.getLogger("tensorflow").warning("journal Python de TensorFlow")
'''
LOOP = "while True:\n    pass\n"
LOOP_TIMEOUT = 20  # secondes par cellule, pour que la copie bouclée ne coûte pas 2 minutes ici

# Pour chaque devoir, une erreur du catalogue des variantes : (fonction, code fautif).
MISTAKES = {
    "00_prise_en_main": ("normaliser", v00.WRONG["division par 256"]),
    "01_ae_lineaire": ("construire_ae_lineaire", v01.AE_WRONG["ReLU dans le goulot"]),
    "02_ae_dense": ("construire_autoencodeur_dense", v02.WRONG["sortie linéaire (pas de sigmoïde)"]),
    "03_ae_convolutif": ("bruiter", v03.WRONG["bruiter"]["modifie son argument"]),
    "04_vae": ("divergence_kl", v04.KL_WRONG["sans le facteur ½"]),
    "05_gan": ("perte_discriminateur", v05.PERTE_D_WRONG["étiquettes inversées (guide keras.io : réel = 0)"]),
    "06_applications": ("auroc", v06.AUROC_WRONG["égalités comptées pour 0"]),
}
STUDENTS = {"juste", "vide", "fautive"}
# Les copies qui éprouvent nbgrader lui-même (sorties sur stderr, délai d'une cellule), pas le
# devoir : sur le devoir le moins cher seulement (une copie bouclée coûte LOOP_TIMEOUT secondes).
MACHINERY = "00_prise_en_main"
MACHINERY_STUDENTS = {"bruyante", "boucle"}
on_machinery = pytest.mark.parametrize("graded_course", [MACHINERY], indirect=True)


def students_of(assignment):
    return STUDENTS | (MACHINERY_STUDENTS if assignment == MACHINERY else set())


def first_solution(assignment):
    return next(
        nbgrader_meta(c)["grade_id"] for c in read(release_notebook(assignment)).cells
        if nbgrader_meta(c).get("solution")
    )


def looping_submission(assignment):
    nb = read(release_notebook(assignment))
    target = first_solution(assignment)
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == target:
            # La boucle en tête de la cellule réponse : seule cette cellule atteint le délai (une
            # boucle dans le corps de la fonction le ferait atteindre à chaque cellule qui l'appelle).
            cell.source = LOOP + cell.source
    return nb


def faulty_submission(assignment):
    """La copie juste, sauf la fonction de MISTAKES[assignment], remplacée par le code fautif."""
    assert assignment in MISTAKES, f"{assignment} : ajoutez une erreur du catalogue à MISTAKES"
    return with_answer(assignment, *MISTAKES[assignment])


@pytest.fixture(scope="module", params=assignments())
def graded_course(request, tmp_path_factory):
    assignment = request.param
    root = course_copy(tmp_path_factory.mktemp("cours"), [assignment])
    nbgrader("generate_assignment", assignment, cwd=root)
    submissions = {
        "juste": correct_submission(assignment),
        "vide": read(release_notebook(assignment)),
        "fautive": faulty_submission(assignment),
    }
    if assignment == MACHINERY:
        submissions["bruyante"] = correct_submission(assignment, {first_solution(assignment): NOISE})
        submissions["boucle"] = looping_submission(assignment)
    for student, nb in submissions.items():
        folder = root / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{assignment}.ipynb")
    autograde = nbgrader("autograde", assignment, f"--Execute.timeout={LOOP_TIMEOUT}", cwd=root)
    nbgrader("generate_feedback", assignment, cwd=root)
    nbgrader("export", cwd=root)
    return assignment, root, autograde


def scores(root, assignment):
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        return {
            s.student.id: (s.score, s.max_score)
            for s in gradebook.assignment_submissions(assignment)
        }


def cell_grades(root, assignment, student):
    """``{grade_id: (points, points max)}`` des cellules notées d'une copie."""
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(assignment, assignment, student)
        return {grade.name: (grade.score, grade.max_score) for grade in notebook.grades}


def test_every_submission_is_graded(graded_course):
    assignment, root, _ = graded_course
    assert set(scores(root, assignment)) == students_of(assignment)


def test_correct_submission_gets_full_marks(graded_course):
    assignment, root, _ = graded_course
    score, max_score = scores(root, assignment)["juste"]
    assert max_score > 0 and score == max_score


@on_machinery
def test_stderr_noise_costs_nothing(graded_course):
    assignment, root, _ = graded_course
    score, max_score = scores(root, assignment)["bruyante"]
    assert score == max_score
    feedback = (root / "feedback" / "bruyante" / assignment / f"{assignment}.html").read_text()
    assert "avertissement de test" in feedback, "les messages doivent rester visibles"


def test_empty_submission_gets_zero(graded_course):
    assignment, root, _ = graded_course
    score, max_score = scores(root, assignment)["vide"]
    assert max_score > 0 and score == 0


@on_machinery
def test_looping_submission_gets_zero(graded_course):
    assignment, root, _ = graded_course
    score, max_score = scores(root, assignment)["boucle"]
    assert max_score > 0 and score == 0


@on_machinery
def test_looping_submission_really_loops_until_the_timeout(graded_course):
    """Garde-fou : la copie « boucle » boucle vraiment (interrompue au délai), elle n'échoue pas
    d'emblée sur une erreur de syntaxe."""
    assignment, root, _ = graded_course
    nb = read(root / "autograded" / "boucle" / assignment / f"{assignment}.ipynb")
    (cell,) = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") == first_solution(assignment)]
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert errors and "SyntaxError" not in errors[0].ename and "IndentationError" not in errors[0].ename, errors
    assert any("Timeout" in o.ename or "KeyboardInterrupt" in o.ename or "timeout" in str(o.evalue).lower()
               for o in errors), errors


def test_one_mistake_costs_its_own_points_only(graded_course):
    assignment, root, _ = graded_course
    function, _ = MISTAKES[assignment]
    grades = cell_grades(root, assignment, "fautive")
    own = {g: v for g, v in grades.items() if g.startswith(f"test_{function}")}
    others = {g: v for g, v in grades.items() if g not in own}
    assert own and any(score == 0 for score, _ in own.values()), own
    assert all(score == max_score for score, max_score in others.values()), others
    score, max_score = scores(root, assignment)["fautive"]
    assert score == sum(s for s, _ in grades.values()) and 0 <= score < max_score


def test_feedback_never_shows_hidden_tests(graded_course):
    assignment, root, _ = graded_course
    hidden = {re.sub(r"\s+", " ", line) for line in secret_lines(assignment, "hidden")}
    for student in sorted(students_of(assignment)):
        text = visible_text((root / "feedback" / student / assignment / f"{assignment}.html").read_text())
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"{student} : {leaked[:3]}"


def test_export_writes_every_grade(graded_course):
    assignment, root, _ = graded_course
    with open(root / "grades.csv", newline="") as f:
        rows = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(f)
                if row["assignment"] == assignment}
    expected = scores(root, assignment)
    assert rows == {student: score for student, (score, _) in expected.items()}


def test_leak_check_would_see_a_leak(graded_course):
    """Garde-fou du test précédent : les tests cachés sont bien exécutés à la correction, et une
    ligne de test visible se retrouve telle quelle dans le texte du retour."""
    assignment, root, _ = graded_course
    autograded = read(root / "autograded" / "juste" / assignment / f"{assignment}.ipynb")
    sources = "\n".join(line.strip() for c in autograded.cells for line in c.source.splitlines())
    assert secret_lines(assignment, "hidden") <= set(sources.splitlines())
    feedback = visible_text((root / "feedback" / "juste" / assignment / f"{assignment}.html").read_text())
    test_cell = next(c for c in read(release_notebook(assignment)).cells
                     if nbgrader_meta(c).get("grade") and "assert" in c.source)
    visible_line = next(line.strip() for line in test_cell.source.splitlines() if "assert" in line)
    assert re.sub(r"\s+", " ", visible_line) in feedback
