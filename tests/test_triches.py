"""Triches par la machinerie d'IPython et du noyau : signalées, jamais envoyées à Moodle.

Chaque triche tient en quelques lignes dans la cellule réponse de l'étudiant, à côté d'une
**mauvaise** réponse (``normaliser`` divise par 256) : elle change ce qui fait d'une cellule du
code exécuté, ou d'une exception une erreur (transformateurs d'entrée et d'AST, compilateur,
méthodes d'exécution du shell et du noyau, au niveau de l'instance et de la classe). Toutes sont
dans une même classe de ``00_prise_en_main``, corrigée une fois par ``python -m autograder
corriger``, avec des copies honnêtes. Pour chacune : la copie est signalée (« vérification
impossible » : une sonde ou le témoin d'une cellule de test n'est pas revenu comme prévu), sa note
n'est pas dans le fichier Moodle, et — garde-fou — celles qui trompent vraiment les tests ont bien
les points (sans la détection, elles passeraient pour « notées » avec 2 / 2).
"""

import csv
import re

import pytest

from partage import une_fois
from paths import course_copy, nbgrader
from test_correction_classe import ASSIGNMENT, WRONG, dumps, grade, honest, moodle_zip, rows, with_solution

# Une ligne d'AST commune : retire les assert (et les raise) d'un module.
SANS_ASSERT = (
    "import ast\n"
    "class _Sans(ast.NodeTransformer):\n"
    "    def visit_Assert(self, node):\n"
    "        return ast.Pass()\n"
    "    def visit_Raise(self, node):\n"
    "        return ast.Pass()\n"
)

# triche -> (code ajouté avant la mauvaise réponse, la triche donne-t-elle les points ?)
CHEATS = {
    "transformateur_nettoyage_vide": (
        "get_ipython().input_transformers_cleanup.append(lambda lignes: [])\n", True),
    "transformateur_nettoyage_selectif": (
        # ne vide que les cellules qui appellent normaliser : les sondes passent, le témoin non
        "get_ipython().input_transformers_cleanup.append(\n"
        "    lambda lignes: [] if any('normaliser(' in l for l in lignes) else lignes)\n", True),
    "transformateur_de_lignes": (
        "get_ipython().input_transformer_manager.line_transforms.append(\n"
        "    lambda lignes: ['pass\\n'] if any('assert' in l for l in lignes) else lignes)\n", True),
    "transformateur_ast": (
        SANS_ASSERT + "get_ipython().ast_transformers.append(_Sans())\n", True),
    "run_cell_instance": (
        "_shell = get_ipython()\n_vrai = _shell.run_cell\n"
        "def _faux(cellule, *a, **k):\n"
        "    return _vrai('pass' if 'assert' in cellule else cellule, *a, **k)\n"
        "_shell.run_cell = _faux\n", True),
    "run_cell_classe": (
        "_classe = type(get_ipython())\n_vrai = _classe.run_cell\n"
        "def _faux(self, cellule, *a, **k):\n"
        "    return _vrai(self, 'pass' if 'assert' in cellule else cellule, *a, **k)\n"
        "_classe.run_cell = _faux\n", True),
    "run_cell_async_instance": (
        # le noyau de cette version passe par run_cell : sans effet sur les tests, mais signalé
        "_shell = get_ipython()\n_vrai = _shell.run_cell_async\n"
        "async def _faux(cellule, *a, **k):\n"
        "    return await _vrai('pass' if 'assert' in cellule else cellule, *a, **k)\n"
        "_shell.run_cell_async = _faux\n", False),
    "run_cell_async_classe": (
        "_classe = type(get_ipython())\n_vrai = _classe.run_cell_async\n"
        "async def _faux(self, cellule, *a, **k):\n"
        "    return await _vrai(self, 'pass' if 'assert' in cellule else cellule, *a, **k)\n"
        "_classe.run_cell_async = _faux\n", False),
    "transform_cell_instance": (
        "_shell = get_ipython()\n_vrai = _shell.transform_cell\n"
        "_shell.transform_cell = lambda cellule: _vrai('pass\\n' if 'assert' in cellule else cellule)\n",
        True),
    "transform_cell_classe": (
        "_classe = type(get_ipython())\n_vrai = _classe.transform_cell\n"
        "_classe.transform_cell = lambda self, cellule: _vrai(self, 'pass\\n' if 'assert' in cellule else cellule)\n",
        True),
    "compilateur": (
        SANS_ASSERT + "_compilateur = get_ipython().compile\n_vrai = _compilateur.ast_parse\n"
        "_compilateur.ast_parse = lambda *a, **k: ast.fix_missing_locations(_Sans().visit(_vrai(*a, **k)))\n",
        True),
    "do_execute_noyau": (
        "_noyau = get_ipython().kernel\n_vrai = _noyau.do_execute\n"
        "async def _faux(code, *a, **k):\n"
        "    return await _vrai('pass' if 'assert' in code else code, *a, **k)\n"
        "_noyau.do_execute = _faux\n", True),
    "do_execute_classe": (
        "_classe = type(get_ipython().kernel)\n_vrai = _classe.do_execute\n"
        "async def _faux(self, code, *a, **k):\n"
        "    return await _vrai(self, 'pass' if 'assert' in code else code, *a, **k)\n"
        "_classe.do_execute = _faux\n", True),
    "run_code_classe": (
        # avale toute exception du code exécuté : plus aucune erreur n'arrive au retour
        "_classe = type(get_ipython())\n"
        "async def _faux(self, code, result=None, *, async_=False):\n"
        "    try:\n"
        "        exec(code, self.user_global_ns, self.user_ns)\n"
        "    except Exception:\n"
        "        pass\n"
        "    return False\n"
        "_classe.run_code = _faux\n", True),
    "run_ast_nodes_instance": (
        "import ast\n_shell = get_ipython()\n_vrai = _shell.run_ast_nodes\n"
        "async def _faux(noeuds, *a, **k):\n"
        "    garde = [n for n in noeuds if not any(isinstance(x, ast.Assert) for x in ast.walk(n))]\n"
        "    return await _vrai(garde, *a, **k)\n"
        "_shell.run_ast_nodes = _faux\n", True),
    "showtraceback_et_reponse": (
        # erreur jamais affichée et réponse « ok » : la session réécrit les réponses du noyau
        "_shell = get_ipython()\n_shell.showtraceback = lambda *a, **k: None\n"
        "_session = _shell.kernel.session\n_envoi = _session.send\n"
        "def _faux(flux, message, contenu=None, *a, **k):\n"
        "    if message == 'execute_reply' and isinstance(contenu, dict) and contenu.get('status') == 'error':\n"
        "        contenu = {'status': 'ok', 'execution_count': contenu.get('execution_count'),\n"
        "                   'user_expressions': {}, 'payload': []}\n"
        "    return _envoi(flux, message, contenu, *a, **k)\n"
        "_session.send = _faux\n", True),
}


def cheat_folder(name):
    return f"Triche {name}_{3000 + sorted(CHEATS).index(name)}"


def cheat_id(name):
    return f"triche_{name}_{3000 + sorted(CHEATS).index(name)}"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return une_fois(tmp_path_factory, "triches", lambda: grade_cheats(tmp_path_factory))


def grade_cheats(tmp_path_factory):
    """La classe des triches et des copies honnêtes, corrigée une fois : lignes, Moodle, sortie."""
    course = course_copy(tmp_path_factory.mktemp("triches"), [ASSIGNMENT])
    nbgrader("generate_assignment", ASSIGNMENT, cwd=course)
    copies = {cheat_folder(name): {f"{ASSIGNMENT}.ipynb": dumps(with_solution(WRONG, code))}
              for name, (code, _) in CHEATS.items()}
    output = grade(course, moodle_zip(course / "copies.zip", {**honest(), **copies}))
    with open(course / "rapports" / ASSIGNMENT / f"moodle_{ASSIGNMENT}.csv", encoding="utf-8") as f:
        moodle = {r["Identifier"]: r for r in csv.DictReader(f)}
    return {"rows": rows(course), "moodle": moodle, "output": output}


def test_catalogue_is_large_enough():
    assert len(CHEATS) >= 12


@pytest.mark.parametrize("name", sorted(CHEATS))
def test_cheat_is_flagged_and_kept_out_of_moodle(graded, name):
    row = graded["rows"][cheat_id(name)]
    assert row["a_verifier"], row
    assert graded["moodle"][f"Participant {cheat_id(name).rsplit('_', 1)[1]}"]["Grade"] == ""
    assert cheat_id(name) in graded["output"]


@pytest.mark.parametrize("name", sorted(n for n, (_, effective) in CHEATS.items() if effective))
def test_cheat_would_have_earned_the_marks_and_is_caught_by_the_probes(graded, name):
    """Garde-fou : la triche trompe vraiment les tests (2 / 2 pour une mauvaise réponse) ; c'est la
    vérification par les sondes ou le témoin qui la signale (pas seulement l'empreinte)."""
    row = graded["rows"][cheat_id(name)]
    assert row["total"] == "2", row
    assert re.search(r"vérification impossible", row["a_verifier"]), row


def test_honest_copies_are_graded_and_never_flagged(graded):
    expected = {"alice_juste_1001": "2", "bruno_fautif_1002": "0", "chloe_vide_1003": "0"}
    for student, total in expected.items():
        row = graded["rows"][student]
        assert (row["total"], row["a_verifier"]) == (total, ""), row


# --- Le test de plage de course.verifications, remplacé par la copie ----------------------------

RANGE = "02_ae_dense"
# Une sortie « sigmoïde d'une ReLU » (pixels ≥ 0,5 : le test de plage la refuse), et le test de
# plage remplacé par une fonction qui renvoie des pixels de 0 à 1.
RANGE_CHEAT = (
    "import numpy as _np\nfrom course import verifications as _v\n"
    "_v.sorties_poids_grossis = lambda modele, entrees, *a, **k: _np.linspace(0, 1, 16 * 784).reshape(16, 28, 28, 1)\n"
)


def test_replacing_the_range_check_of_course_is_flagged(tmp_path):
    """Le test de plage des constructeurs (``course.verifications.sorties_poids_grossis``) est cité
    par les tests cachés : le remplacer est une falsification signalée, hors du fichier Moodle ;
    garde-fou : la même mauvaise réponse, sans le remplacement, perd des points."""
    from notebook_text import correct_submission, nbgrader_meta
    from test_variantes_02_ae_dense import WRONG as WRONG_02

    wrong = WRONG_02["sigmoïde d'une ReLU (pixels ≥ 0,5)"]
    course = course_copy(tmp_path, [RANGE])
    nbgrader("generate_assignment", RANGE, cwd=course)
    copies = {}
    for name, prefix in (("Tom Triche_4001", RANGE_CHEAT), ("Ugo Faux_4002", "")):
        nb = correct_submission(RANGE)
        for cell in nb.cells:
            if nbgrader_meta(cell).get("grade_id") == "construire_autoencodeur_dense":
                cell.source = prefix + wrong
        copies[name] = {f"{RANGE}.ipynb": dumps(nb)}
    grade(course, moodle_zip(course / "copies.zip", copies), assignment=RANGE)
    graded = rows(course, RANGE)
    cheat, honest_wrong = graded["tom_triche_4001"], graded["ugo_faux_4002"]
    assert "course.verifications.sorties_poids_grossis" in cheat["a_verifier"], cheat
    # sans la détection, tous les points pour une mauvaise réponse ; sans le remplacement, elle perd
    # ceux de son test
    assert float(cheat["total"]) == float(cheat["total_max"]) > 0, cheat
    assert float(honest_wrong["total"]) < float(honest_wrong["total_max"]) and honest_wrong["a_verifier"] == "", honest_wrong
    with open(course / "rapports" / RANGE / f"moodle_{RANGE}.csv", encoding="utf-8") as f:
        moodle = {r["Identifier"]: r for r in csv.DictReader(f)}
    assert moodle["Participant 4001"]["Grade"] == ""
