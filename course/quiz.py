"""Questions d'auto-évaluation à réponse immédiate, affichées avec jupyterquiz.

Introduit dans ``00_prise_en_main``. Chaque choix porte son explication, montrée dès le clic ;
l'ordre des choix est conservé (les lettres a, b, c, d restent valables pour les cellules de
réponse notées). Le rendu est fait dans le navigateur : la question marche aussi sans noyau.
"""

import string

LETTRES = string.ascii_lowercase


def question(enonce, choix, bonne, explications):
    """Construit une question à choix unique au format de jupyterquiz.

    ``enonce`` : texte de la question ; ``choix`` : liste des réponses proposées, dans l'ordre ;
    ``bonne`` : lettre de la bonne réponse (``"c"``) ; ``explications`` : une explication par
    choix, affichée quand on le clique. Renvoie un dictionnaire.
    """
    if len(explications) != len(choix):
        raise ValueError("Il faut une explication par choix.")
    if bonne not in LETTRES[: len(choix)]:
        raise ValueError(f"La bonne réponse doit être une lettre parmi {LETTRES[:len(choix)]}.")
    reponses = []
    for lettre, texte, explication in zip(LETTRES, choix, explications):
        juste = lettre == bonne
        verdict = "Exact !" if juste else "Pas tout à fait."
        reponses.append(
            {"answer": f"{lettre}) {texte}", "correct": juste, "feedback": f"{verdict} {explication}"}
        )
    return {"question": enonce, "type": "multiple_choice", "answers": reponses}


def afficher(*questions):
    """Affiche les questions (construites par ``question``) dans le notebook, choix dans l'ordre."""
    from jupyterquiz import display_quiz

    display_quiz(list(questions), shuffle_answers=False, preserve_responses=True)
