"""Ce que lisent l'enseignant et l'étudiant est en français : la ligne de commande (aide,
utilisation et erreurs d'argparse) et la page de retour (gabarit de nbgrader traduit)."""

import ast
import re
import subprocess
import sys

import nbformat
import pytest
from bs4 import BeautifulSoup

from autograder import cli, feedback
from autograder.arguments import FrenchArgumentParser, traduire
from paths import ROOT, environment, release_notebook

ENGLISH = re.compile(r"usage:|error:|show this help|positional arguments|options:|\b(required|invalid|"
                     r"choose from|unrecognized|expected)\b")


def run_parser(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.parser().parse_args(argv)
    out, err = capsys.readouterr()
    return stop.value.code, out + err


@pytest.mark.parametrize("argv, message", [
    ([], "python -m autograder : erreur : arguments obligatoires manquants : commande"),
    (["corriger"], "python -m autograder corriger : erreur : arguments obligatoires manquants : devoir, copies"),
    (["corriger", "04_vae", "copies", "--travailleurs", "deux"],
     "argument --travailleurs : valeur invalide : 'deux' (nombre entier attendu)"),
    (["auto-evaluer", "nb.ipynb", "--isolement", "docker"],
     "argument --isolement : choix invalide : 'docker' (choix possibles : 'auto', 'bwrap', 'minimal')"),
    (["auto-evaluer", "nb.ipynb", "--en-trop"], "erreur : arguments non reconnus : --en-trop"),
    (["corriger", "04_vae", "copies", "--memoire"], "argument --memoire : une valeur attendue"),
])
def test_command_line_errors_are_french(argv, message, capsys):
    code, text = run_parser(argv, capsys)
    assert code == 2
    assert text.startswith("utilisation : python -m autograder"), text
    assert message in text, text
    assert not ENGLISH.search(text), text


def test_command_line_help_is_french(capsys):
    for argv in (["-h"], ["corriger", "--help"], ["auto-evaluer", "-h"]):
        code, text = run_parser(argv, capsys)
        assert code == 0
        assert text.startswith("utilisation : ") and "affiche cette aide et quitte" in text, text
        assert "options :" in text and "arguments positionnels :" in text, text
        assert not ENGLISH.search(text), text


def test_the_real_command_answers_in_french():
    result = subprocess.run([sys.executable, "-m", "autograder", "corriger"], cwd=ROOT, env=environment(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "erreur : arguments obligatoires manquants : devoir, copies" in result.stderr
    assert not ENGLISH.search(result.stderr), result.stderr


def test_every_benchmark_uses_the_french_parser():
    for script in sorted((ROOT / "benchmarks").glob("*.py")):
        calls = [node.func for node in ast.walk(ast.parse(script.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Call)]
        names = [ast.unparse(f) for f in calls]
        assert "argparse.ArgumentParser" not in names, f"{script.name} : argparse en anglais"
        if any(n.endswith("add_argument") for n in names):
            assert "FrenchArgumentParser" in names, script.name


def test_a_benchmark_answers_in_french():
    result = subprocess.run([sys.executable, "benchmarks/budgets.py", "--budgets", "lent"], cwd=ROOT,
                            env=environment(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("utilisation : budgets.py"), result.stderr
    assert "budgets.py : erreur : argument --budgets : choix invalide : 'lent'" in result.stderr
    assert not ENGLISH.search(result.stderr), result.stderr


def test_unknown_messages_are_kept_and_other_parsers_stay_english():
    assert traduire("ce message-ci est déjà en français") == "ce message-ci est déjà en français"
    assert "usage:" in __import__("argparse").ArgumentParser(prog="x").format_usage()
    parser = FrenchArgumentParser(prog="x", add_help=False)
    assert "-h" not in parser.format_help()


# --- La page de retour --------------------------------------------------------------------------

def feedback_page(tmp_path):
    """La page de retour (feedback.render) de la version étudiante de 00, cellules notées à 0."""
    nb = nbformat.read(release_notebook("00_prise_en_main"), as_version=4)
    grades = {c.metadata.nbgrader["grade_id"]: (0.0, c.metadata.nbgrader["points"])
              for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
    grades["test_normaliser"] = (1.5, 2.0)
    return feedback.render(nb, grades, name="00_prise_en_main")


def test_feedback_page_is_french(tmp_path):
    html = feedback_page(tmp_path)
    soup = BeautifulSoup(html, "html.parser")
    text = soup.get_text(" ")
    assert soup.html["lang"] == "fr"
    assert "00_prise_en_main (points : 1,5 / 2)" in text
    assert "Cellule de test" in text and "Votre réponse" in text and "(haut de page)" in text
    for english in ("Score", "Test cell", "Student's answer", "Grade cell", "(Top)", "Comments"):
        assert english not in text, english


def test_feedback_page_scales_wide_images_to_the_page():
    html = feedback_page(None)
    assert re.search(r"div\.output_area img, div\.output_area svg \{\s*max-width: 100%;", html)


def test_nbgrader_generate_feedback_uses_the_french_template():
    # nbgrader_config.py : GenerateFeedback.HTMLExporter, celui de `nbgrader generate_feedback` et
    # du bouton du formgrader ; les autres exportateurs (formgrader) gardent le leur.
    from nbgrader.apps import NbGraderAPI  # noqa: PLC0415
    from nbgrader.converters import GenerateFeedback  # noqa: PLC0415
    from traitlets.config.loader import PyFileConfigLoader  # noqa: PLC0415

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    api = NbGraderAPI(config=config)
    converter = GenerateFeedback(coursedir=api.coursedir, parent=api)
    converter.update_config(type(config)({"HTMLExporter": {"template_name": "feedback"}}))
    exporter = converter.exporter_class(parent=converter, config=converter.config)
    assert exporter.template_name == feedback.TEMPLATE
    assert str(feedback.TEMPLATES) in exporter.extra_template_basedirs


def test_nbgrader_generate_feedback_writes_the_french_page(tmp_path):
    # De bout en bout, comme l'enseignant : generate_assignment, autograde, generate_feedback.
    from notebook_text import correct_submission  # noqa: PLC0415
    from paths import course_copy, nbgrader  # noqa: PLC0415

    assignment = "00_prise_en_main"
    course = course_copy(tmp_path, [assignment])
    nbgrader("generate_assignment", assignment, cwd=course)
    submitted = course / "submitted" / "eleve" / assignment / f"{assignment}.ipynb"
    submitted.parent.mkdir(parents=True)
    nbformat.write(correct_submission(assignment), submitted)
    nbgrader("autograde", assignment, cwd=course)
    nbgrader("generate_feedback", assignment, cwd=course)
    html = (course / "feedback" / "eleve" / assignment / f"{assignment}.html").read_text(encoding="utf-8")
    text = BeautifulSoup(html, "html.parser").get_text(" ")
    assert f"{assignment} (points : 2 / 2)" in text and "Cellule de test" in text, text[:500]
    assert "Score" not in text and "Test cell" not in text
    assert "div.output_area img, div.output_area svg" in html
