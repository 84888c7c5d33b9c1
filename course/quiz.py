"""Questions d'auto-évaluation à réponse immédiate, affichées avec jupyterquiz.

Introduit dans ``00_prise_en_main``. Chaque choix porte son explication, montrée dès le clic ;
l'ordre des choix est conservé (les lettres a, b, c, d restent valables pour les cellules de
réponse notées). Le rendu est fait dans le navigateur : la question marche aussi sans noyau.

Pas de LaTeX (``$...$``) dans les questions, les choix ni les explications : JupyterLab ne met pas
en forme le texte que jupyterquiz écrit dans la page, les dollars resteraient visibles. Écrire les
formules en Unicode : z₁, σ², ε ~ 𝒩(0, I), β·KL.
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


# jupyterquiz met en forme les formules avec la variable globale ``MathJax`` du navigateur. Dans
# JupyterLab 4, cette variable existe sans ``typeset`` : jupyterquiz la remplace alors par une
# configuration et charge MathJax depuis un CDN (hors ligne : échec, puis une TypeError dans la
# console à chaque clic). Son script s'exécute donc avec une ``MathJax`` locale qui met en forme
# avec le MathJax déjà chargé par la page s'il sait le faire, sans jamais rien télécharger.
MATHJAX_LOCAL = """const MathJax = {
    version: "3-local",
    typeset(elements) {
        const page = window.MathJax;
        if (page && typeof page.typeset === "function") {
            page.typeset(elements);
        } else if (page && page.Hub && typeof page.Hub.Queue === "function") {
            page.Hub.Queue(["Typeset", page.Hub]);
        }
    },
};
"""


def script_en_ligne(script):
    """Balise ``<script>`` qui exécute ``script`` avec la ``MathJax`` locale, dans sa propre portée.

    ``</`` devient ``<\\/`` (même sens en JavaScript) : le texte du script ne peut pas fermer la
    balise avant sa fin.
    """
    corps = f"(function () {{\n{MATHJAX_LOCAL}{script}\n}})();".replace("</", "<\\/")
    return f"<script>\n{corps}\n</script>"


def afficher(*questions):
    """Affiche les questions (construites par ``question``) dans le notebook, choix dans l'ordre.

    Le retour s'affiche dès le clic, sous la question. Pas de « conservation des réponses » de
    jupyterquiz (``preserve_responses``) : elle ajoute un mode d'emploi en anglais vers une cellule
    qui n'existe pas ; les réponses notées vont dans les cellules ``reponse_q*`` du notebook.

    Une seule sortie HTML, script compris (jupyterquiz en envoie deux : le HTML, puis le script à
    part) : VS Code et Colab affichent chaque sortie dans son propre cadre (iframe), où un script
    envoyé à part ne trouverait pas les questions. Le script ne compte sur rien de la page
    (ni require.js, ni la MathJax de JupyterLab, ni un CDN) : il marche seul dans un cadre isolé.
    """
    from IPython.display import HTML, display
    from IPython.utils.capture import capture_output
    from jupyterquiz import display_quiz

    with capture_output(stdout=False, stderr=False) as shown:
        display_quiz(list(questions), shuffle_answers=False, preserve_responses=False)
    morceaux = []
    for output in shown.outputs:
        if "application/javascript" in output.data:
            morceaux.append(script_en_ligne(output.data["application/javascript"]))
        else:
            morceaux.append(output.data["text/html"])
    display(HTML("\n".join(morceaux)))
