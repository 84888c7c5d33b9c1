"""Questions d'auto-évaluation (jupyterquiz) : ordre des choix, bonne réponse, explications."""

import pytest
from IPython.core.interactiveshell import InteractiveShell

from course import quiz

QUESTION = dict(
    enonce="Quelle forme ?",
    choix=["(n, 28)", "(n, 28, 28, 1)", "(28,)"],
    bonne="b",
    explications=["trop court", "lot, hauteur, largeur, canal", "pas de lot"],
)


def test_question_keeps_the_order_and_marks_the_right_letter():
    q = quiz.question(**QUESTION)
    assert [a["answer"] for a in q["answers"]] == ["a) (n, 28)", "b) (n, 28, 28, 1)", "c) (28,)"]
    assert [a["correct"] for a in q["answers"]] == [False, True, False]
    assert q["answers"][1]["feedback"].startswith("Exact !")
    assert q["answers"][0]["feedback"] == "Pas tout à fait. trop court"


def test_question_refuses_inconsistent_input():
    with pytest.raises(ValueError, match="une explication par choix"):
        quiz.question(**{**QUESTION, "explications": ["x"]})
    with pytest.raises(ValueError, match="lettre parmi abc"):
        quiz.question(**{**QUESTION, "bonne": "d"})


def displayed(monkeypatch):
    """Affiche QUESTION avec ``quiz.afficher`` ; renvoie les sorties envoyées au navigateur."""
    shown = []
    shell = InteractiveShell.instance()
    monkeypatch.setattr(shell.display_pub, "publish", lambda data, **kw: shown.append(data))
    quiz.afficher(quiz.question(**QUESTION))
    return shown


def test_afficher_sends_the_question_to_the_browser_unshuffled(monkeypatch):
    [output] = displayed(monkeypatch)
    html = output["text/html"]
    assert "b) (n, 28, 28, 1)" in html and "lot, hauteur, largeur, canal" in html
    assert 'data-shuffleanswers="False"' in html


def test_afficher_sends_one_html_output_with_its_script_inline(monkeypatch):
    # VS Code et Colab affichent chaque sortie dans son propre cadre : un script envoyé à part
    # (application/javascript) ne verrait pas les questions. Le mode « preserve_responses » de
    # jupyterquiz ajoute un mode d'emploi en anglais ; le script s'exécute avec une MathJax locale
    # (jamais de CDN, jamais la MathJax de JupyterLab remplacée). Le comportement dans un cadre
    # isolé et dans JupyterLab est vérifié par tests/test_navigateur.py.
    outputs = displayed(monkeypatch)
    assert len(outputs) == 1 and "application/javascript" not in outputs[0], [list(o) for o in outputs]
    html = outputs[0]["text/html"]
    assert 'data-preserveresponses="false"' in html
    assert html.count("<script>") == 1 and html.count("</script>") == 1
    script = html[html.index("<script>") + len("<script>"):html.index("</script>")].strip()
    assert script.startswith("(function () {\n" + quiz.MATHJAX_LOCAL.replace("</", "<\\/"))
    assert script.endswith("})();")
    assert "require(" not in script


def test_inline_script_cannot_close_its_tag_early():
    tag = quiz.script_en_ligne('var s = "</script><b>x</b>";')
    assert tag.count("</script>") == 1 and tag.endswith("</script>")
    assert r'"<\/script><b>x<\/b>"' in tag


def test_no_quiz_in_the_notebooks_uses_latex():
    # JupyterLab ne met pas en forme le texte écrit par jupyterquiz : des « $ » resteraient visibles.
    from notebook_text import read
    from paths import assignments, source_notebook

    for assignment in assignments():
        for cell in read(source_notebook(assignment)).cells:
            if cell.cell_type == "code" and "quiz.question(" in cell.source:
                assert "$" not in cell.source, f"{assignment} : LaTeX dans un quiz (écrire en Unicode)"
