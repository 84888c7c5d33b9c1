"""Forme des notebooks : sans sorties, métadonnées propres, contrat (autograder/contrat.toml) respecté.

Le contrat fait partie du dépôt : ces tests tournent partout (clone neuf compris) et ne sautent rien.
"""

import ast
import collections
import sys

import pytest

from notebook_text import nbgrader_meta, read
from paths import ROOT, SOURCE, release_notebook, source_notebook

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from autograder import contract  # noqa: E402

CONTRACT = contract.load()
ASSIGNMENTS = CONTRACT.ids


def graded_cells(assignment):
    """``(solutions, tests)`` du notebook source : ``{grade_id: source}`` et ``{grade_id: points}``."""
    solutions, tests = {}, {}
    for cell in read(source_notebook(assignment)).cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution"):
            solutions[meta["grade_id"]] = cell.source
        if meta.get("grade"):
            tests[meta["grade_id"]] = meta["points"]
    return solutions, tests


def definition(source, name):
    """Le ``ast.FunctionDef`` de premier niveau nommé ``name`` dans ``source``, ou None."""
    return next((node for node in ast.parse(source).body
                 if isinstance(node, ast.FunctionDef) and node.name == name), None)


def test_every_notebook_of_source_is_in_the_contract():
    notebooks = sorted(p.parent.name for p in SOURCE.glob("*/*.ipynb") if p.stem == p.parent.name)
    assert notebooks, "aucun notebook dans source/"
    assert set(notebooks) <= set(ASSIGNMENTS), f"absents du contrat : {set(notebooks) - set(ASSIGNMENTS)}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_and_release_exist(assignment):
    for path in source_notebook(assignment), release_notebook(assignment):
        assert path.exists(), f"le contrat annonce {assignment} mais {path.relative_to(ROOT)} manque"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_has_no_outputs_and_no_editor_metadata(assignment):
    # nbgrader ajoute lui-même « deletable » et « editable » aux cellules verrouillées de release/.
    # Seule étiquette permise : « illustration » (autograder/illustrations.py).
    allowed = {source_notebook(assignment): {"nbgrader", "tags"},
               release_notebook(assignment): {"nbgrader", "deletable", "editable", "tags"}}
    for path, keys in allowed.items():
        nb = read(path)
        assert set(nb.metadata) <= {"kernelspec", "language_info"}, path
        for cell in nb.cells:
            assert set(cell.metadata) <= keys, (path, cell.metadata)
            assert cell.metadata.get("tags", ["illustration"]) == ["illustration"], (path, cell.metadata)
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_grade_ids_are_unique_and_imports_are_locked(assignment):
    cells = read(source_notebook(assignment)).cells
    ids = [nbgrader_meta(c)["grade_id"] for c in cells if nbgrader_meta(c)]
    assert len(ids) == len(set(ids)), "grade_id en double"
    assert "imports" in ids, "il faut une cellule verrouillée 'imports' (banc des variantes)"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_cells_define_the_contract_signatures(assignment):
    solutions, _ = graded_cells(assignment)
    for function in CONTRACT[assignment].functions + CONTRACT[assignment].reused:
        assert function.name in solutions, f"pas de cellule solution '{function.name}'"
        node = definition(solutions[function.name], function.name)
        assert node is not None, f"la cellule '{function.name}' ne définit pas def {function.name}("
        assert contract.parameters_of(node) == function.parameters, (
            f"{function.name} : signature du notebook ≠ contrat ({function.signature})")
    for answer in CONTRACT[assignment].answers:
        assert answer.cell in solutions, f"pas de cellule de réponse '{answer.cell}'"
        targets = [t.id for node in ast.parse(solutions[answer.cell]).body if isinstance(node, ast.Assign)
                   for t in node.targets if isinstance(t, ast.Name)]
        assert answer.cell in targets, f"la cellule '{answer.cell}' n'affecte pas {answer.cell} = …"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_other_solution_cell_than_the_contract(assignment):
    solutions, _ = graded_cells(assignment)
    extra = set(solutions) - set(CONTRACT[assignment].points) - {r.name for r in CONTRACT[assignment].reused}
    assert not extra, f"cellules solution hors du contrat : {sorted(extra)}"


@pytest.mark.parametrize("assignment", [a for a in ASSIGNMENTS if CONTRACT[a].reused])
def test_a_reused_function_is_not_given_away(assignment):
    # Contrat ([conventions] reused) : la fonction notée d'un devoir précédent que celui-ci réutilise
    # est recopiée par l'étudiant (cellule solution sans test ni points) ; la version étudiante ne
    # contient pas sa solution, ni là ni ailleurs.
    solutions, tests = graded_cells(assignment)
    release = read(release_notebook(assignment))
    for reused in CONTRACT[assignment].reused:
        assert not [t for t in tests if t.startswith(f"test_{reused.name}")], f"{reused.name} n'est pas notée ici"
        solution = solutions[reused.name].split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
        body = [line.strip() for line in solution.splitlines() if line.strip()]
        assert body, f"la cellule '{reused.name}' de la source a une solution"
        # Une ligne isolée (« entree = keras.Input(...) ») n'est pas une solution : la fuite, c'est une
        # cellule qui en reprend au moins la moitié des lignes (et deux au moins).
        for cell in release.cells:
            lines = {line.strip() for line in cell.source.splitlines()}
            leaked = [line for line in body if line in lines]
            assert len(leaked) < max(2, (len(body) + 1) // 2), (
                f"{assignment} (version étudiante) montre la solution de {reused.name} : {leaked}")
        definitions = [c for c in release.cells
                       if c.cell_type == "code" and definition(c.source, reused.name) is not None]
        assert [nbgrader_meta(c).get("grade_id") for c in definitions] == [reused.name], (
            f"{reused.name} : une seule définition, dans sa cellule réponse")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_points_per_function_are_the_contract_points(assignment):
    expected = CONTRACT[assignment]
    _, tests = graded_cells(assignment)
    points = collections.Counter()
    for grade_id, value in tests.items():
        owner = expected.owner(grade_id)
        assert owner is not None, f"la cellule de test {grade_id} ne nomme aucune fonction du contrat"
        points[owner] += value
    for name, value in expected.points.items():
        assert points[name] > 0, f"pas de cellule test_{name}… (grade_id) pour {name}"
        assert points[name] == value, f"{name} : {points[name]} points dans le notebook, {value} au contrat"


def test_contract_reads_its_own_rules():
    vae = CONTRACT["04_vae"]
    assert vae.owner("test_divergence_kl_cache") == "divergence_kl"
    assert vae.owner("test_construire_encodeur_couches") == "construire_encodeur"
    assert vae.owner("test_inconnu") is None
    assert CONTRACT["03_ae_convolutif"].function("bruiter").parameters == (
        contract.Parameter("images"), contract.Parameter("facteur"), contract.Parameter("seed", "None"))
    assert [a.answer for a in vae.answers] == ["c", "b"]


def test_contract_rejects_a_malformed_file(tmp_path):
    good = contract.CONTRACT_PATH.read_text(encoding="utf-8")
    for broken in (good.replace('points = 4', 'points = 0', 1),
                   good.replace('signature = "acp(X, k)"', 'signature = "acp(X, k"'),
                   good.replace('answer = "c"', 'answer = "e"'),
                   good.replace('id = "02_ae_dense"', 'id = "01_ae_lineaire"')):
        assert broken != good
        path = tmp_path / "contrat.toml"
        path.write_text(broken, encoding="utf-8")
        with pytest.raises(ValueError):
            contract.load(path)


def test_readme_table_is_the_contract():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count(contract.README_HEADER) == 1, "tableau des devoirs absent du README (ou en double)"
    assert CONTRACT.readme_table() in readme, (
        "le tableau des devoirs du README ne suit pas autograder/contrat.toml : "
        "python -m autograder.contract --readme l'imprime")


def _normal(text):
    """Texte comparable : minuscules, sans ponctuation ni balises Markdown, espaces simples."""
    kept = "".join(ch if ch.isalnum() else " " for ch in text.lower())
    return " ".join(kept.split())


def self_check_questions(cells):
    """``[(énoncé, [choix])]`` de chaque ``quiz.question(énoncé, [choix], ...)`` des cellules de code."""
    found = []
    for cell in cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "question" and len(node.args) >= 2):
                statement, choices = node.args[:2]
                found.append((ast.literal_eval(statement), ast.literal_eval(choices)))
    return found


@pytest.mark.parametrize("assignment", [a.id for a in CONTRACT.assignments if a.answers])
def test_self_check_quiz_does_not_give_away_the_graded_answers(assignment):
    # Contrat ([conventions] quiz) : les questions d'entraînement (réponse affichée) ne sont pas les questions
    # notées. Le texte d'une question notée est la cellule Markdown qui précède sa cellule de réponse.
    cells = read(source_notebook(assignment)).cells
    graded = {}
    for before, cell in zip(cells, cells[1:]):
        cell_id = nbgrader_meta(cell).get("grade_id", "")
        if cell_id.startswith("reponse_q") and before.cell_type == "markdown":
            graded[cell_id] = _normal(before.source)
    answers = [a.cell for a in CONTRACT[assignment].answers]
    assert sorted(graded) == sorted(answers), "chaque réponse notée suit le texte de sa question"
    practice = self_check_questions(cells)
    assert practice, "il faut des questions d'entraînement à réponse immédiate"
    for statement, choices in practice:
        for cell_id, text in graded.items():
            assert _normal(statement) not in text, f"« {statement} » est la question notée {cell_id}"
            shared = [c for c in choices if _normal(c) and _normal(c) in text]
            assert len(shared) < 2, f"les choix de « {statement} » reprennent ceux de {cell_id} : {shared}"
