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


def test_afficher_sends_the_question_to_the_browser_unshuffled(monkeypatch):
    shown = []
    shell = InteractiveShell.instance()
    monkeypatch.setattr(shell.display_pub, "publish", lambda data, **kw: shown.append(data))
    quiz.afficher(quiz.question(**QUESTION))
    script = "".join(d.get("application/javascript", "") for d in shown)
    html = "".join(d.get("text/html", "") for d in shown)
    assert "b) (n, 28, 28, 1)" in script and "lot, hauteur, largeur, canal" in script
    assert 'data-shuffleanswers="False"' in html
