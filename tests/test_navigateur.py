"""Le cours dans un vrai navigateur : JupyterLab, widgets, quiz, Validate et formgrader, de bout en bout.

JupyterLab est lancé comme ``scripts/cours.sh`` le lance (voir ``navigateur.JupyterServer``), sur
une copie temporaire du cours, un port libre de 127.0.0.1 et un jeton ; le Chromium de Debian,
sans interface, est piloté par ``playwright`` (jamais de navigateur téléchargé). Les captures
d'écran de chaque étape vont dans ``rapports/navigateur/`` (ignoré par git).

Sans Chromium ou sans ``playwright``, ces tests sautent avec un message ; en CI (``COURSE_CI=1``,
posé par ``.ci/run``), ils échouent.

Erreurs de console : les sorties du cours s'exécutent dans la page même de JupyterLab (le script
des quiz jupyterquiz est évalué par JupyterLab, les widgets ipywidgets et ipympl sont des
extensions de la page), si bien que l'adresse d'un message ne dit pas toujours d'où il vient. Un
test échoue donc sur toute exception JavaScript non rattrapée et sur toute erreur de console de la
page, sauf celles de ``IGNORED_CONSOLE`` (aucune aujourd'hui) ; le quiz échoue aussi sur toute
requête hors de 127.0.0.1 (le CDN de MathJax).
"""

import re
import time

import nbformat
import numpy as np
import pytest

import navigateur
from notebook_text import correct_submission

# Erreurs de console tolérées : aucune. Tout ce que la page exécute ici vient du cours (ses
# notebooks, leurs quiz et widgets, nbgrader) ou de JupyterLab, qui n'en produit aucune dans ces
# parcours (vérifié le 23 novembre 2026). Une erreur de JupyterLab sans rapport avec le cours
# s'ajouterait ici (expression régulière sur son texte), avec sa raison.
IGNORED_CONSOLE = ()

STUDENT_TIMEOUT_S = 480  # un notebook entier, budget rapide : 60 s sans concurrence, 4 min mesurées sous charge


@pytest.fixture(scope="module")
def chromium():
    return navigateur.chromium_or_skip()


@pytest.fixture(scope="module")
def cours(tmp_path_factory, chromium):
    """Copie du cours ; ``release/02_ae_dense`` y est remplie des solutions (étudiant qui a fini)."""
    course = navigateur.copy_course(tmp_path_factory.mktemp("navigateur") / "cours")
    filled = course / "release" / "02_ae_dense" / "02_ae_dense.ipynb"
    nbformat.write(correct_submission("02_ae_dense"), filled)
    return course


@pytest.fixture(scope="module")
def serveur_etudiant(cours):
    server = navigateur.JupyterServer(cours, "release", cours.parent / "jupyter_etudiant.log",
                                      extra_env={"COURSE_BUDGET": "rapide"})
    yield server
    server.stop()


@pytest.fixture
def etudiant(serveur_etudiant):
    """Le serveur des étudiants ; les noyaux ouverts par le test sont arrêtés après lui."""
    yield serveur_etudiant
    serveur_etudiant.shutdown_kernels()


@pytest.fixture(scope="module")
def navigateur_chromium(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(navigateur_chromium, request):
    context = navigateur_chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.watch = navigateur.ConsoleWatch(page)
    page.shots = navigateur.Screenshots(page, request.node.name)
    yield page
    page.shots.take("fin")
    for text, where in page.watch.errors:  # dans la sortie de pytest, y compris celles tolérées
        print(f"console : {text} ({where[:200]})")
    context.close()


def course_errors(page):
    return [(text, where) for text, where in page.watch.errors
            if not any(p.search(text) for p in IGNORED_CONSOLE)]


def test_etudiant_execute_00_et_repond_au_quiz(etudiant, cours, page):
    lab = navigateur.Lab(page, etudiant, "quiz")
    lab.open_from_file_browser("00_prise_en_main", "00_prise_en_main.ipynb")
    page.shots.take("ouvert")
    lab.run_all_cells_past_errors(STUDENT_TIMEOUT_S)
    lab.save()
    page.shots.take("execute")

    saved = nbformat.read(cours / "release" / "00_prise_en_main" / "00_prise_en_main.ipynb", 4)
    errors = [o for c in saved.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    stderr = [o.text for c in saved.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "stream" and o.name == "stderr"]
    assert errors, "la version étudiante a des exercices vides : il faut des NotImplementedError"
    assert {e.ename for e in errors} == {"NotImplementedError"}, [(e.ename, e.evalue) for e in errors]
    assert not stderr, f"encadrés stderr dans le notebook : {stderr}"
    assert lab.stderr_boxes() == len(errors), "encadrés rouges autres que les erreurs attendues"
    assert all(c.execution_count for c in saved.cells if c.cell_type == "code"), "cellules non exécutées"
    stdout = "".join(o.text for c in saved.cells if c.cell_type == "code" for o in c.outputs
                     if o.output_type == "stream" and o.name == "stdout")
    assert "Budget d'exécution : rapide" in stdout, "le serveur devait imposer COURSE_BUDGET=rapide"

    quiz = page.locator(".jp-OutputArea-output .MCButton").first
    quiz.scroll_into_view_if_needed()
    page.shots.take("quiz_avant")
    quiz.click()
    feedback = page.locator(".jp-OutputArea-output .Feedback").first
    page.wait_for_function("el => el.textContent.trim().length > 0", arg=feedback.element_handle())
    page.shots.take("quiz_apres")
    text = feedback.text_content()
    assert re.match(r"\s*(Exact !|Pas tout à fait\.)", text), text
    quiz_output = page.locator(".jp-OutputArea-output", has=page.locator(".MCButton")).first.inner_text()
    assert "IMPORTANT" not in quiz_output and "Answer String" not in quiz_output, quiz_output
    page.wait_for_timeout(1000)  # un TypeError de MathJax arriverait juste après le clic
    assert not course_errors(page), course_errors(page)
    assert not page.watch.external, f"requêtes hors de la machine (CDN ?) : {page.watch.external}"


def quiz_output_html():
    """La sortie HTML de ``quiz.afficher`` (une question du cours), telle qu'envoyée au navigateur."""
    from IPython.core.interactiveshell import InteractiveShell

    from course import quiz

    shown = []
    publisher = InteractiveShell.instance().display_pub
    publish, publisher.publish = publisher.publish, lambda data, **kw: shown.append(data)
    try:
        quiz.afficher(quiz.question("Quelle forme a un lot d'images ?", ["(n, 28)", "(n, 28, 28, 1)"], "b",
                                    ["il manque une dimension", "lot, hauteur, largeur, canal"]))
    finally:
        publisher.publish = publish
    assert [list(d) for d in shown] == [["text/plain", "text/html"]], "une seule sortie HTML attendue"
    return shown[0]["text/html"]


def test_quiz_marche_seul_dans_un_cadre_isole(page):
    # VS Code et Colab affichent chaque sortie dans son propre cadre, sans JupyterLab autour : la
    # sortie du quiz, seule dans un iframe isolé (scripts permis, origine opaque), doit marcher.
    import html

    page.set_content(f'<!DOCTYPE html><html><body><iframe sandbox="allow-scripts" width="900" height="700" '
                     f'srcdoc="{html.escape(quiz_output_html(), quote=True)}"></iframe></body></html>')
    frame = page.frame_locator("iframe")
    frame.locator(".MCButton").first.wait_for()
    page.shots.take("quiz_cadre_avant")
    frame.locator(".MCButton", has_text="b) (n, 28, 28, 1)").click()
    feedback = frame.locator(".Feedback").first
    feedback.locator("text=Exact").wait_for()
    page.shots.take("quiz_cadre_apres")
    assert feedback.text_content().strip() == "Exact ! lot, hauteur, largeur, canal"
    frame.locator(".MCButton", has_text="a) (n, 28)").click()
    feedback.locator("text=Pas tout à fait").wait_for()
    assert feedback.text_content().strip() == "Pas tout à fait. il manque une dimension"
    page.wait_for_timeout(1000)  # une erreur (MathJax, require) arriverait juste après le clic
    assert not course_errors(page), course_errors(page)
    assert not page.watch.external, f"requêtes hors de la machine : {page.watch.external}"


def test_etudiant_explore_l_espace_latent_puis_valide(etudiant, cours, page):
    lab = navigateur.Lab(page, etudiant, "explorateur")
    lab.open_from_file_browser("02_ae_dense", "02_ae_dense.ipynb")
    lab.run_all_cells_past_errors(STUDENT_TIMEOUT_S)
    lab.save()
    page.shots.take("execute")
    saved = nbformat.read(cours / "release" / "02_ae_dense" / "02_ae_dense.ipynb", 4)
    outputs = [o for c in saved.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"], "erreur dans un notebook rempli"
    stderr = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, f"encadrés stderr (journaux de TensorFlow ?) : {stderr}"
    assert lab.stderr_boxes() == 0

    explorer = page.locator(".jp-OutputArea-output", has=page.locator(".widget-slider")).last
    explorer.scroll_into_view_if_needed()
    canvas = explorer.locator("canvas").last
    page.wait_for_timeout(1500)  # premier dessin de la figure ipympl
    before = navigateur.decoded_image_region(canvas)
    page.shots.take("explorateur_avant")
    slider = explorer.locator(".widget-slider").first
    readout = slider.locator(".widget-readout")
    value_before = float(readout.inner_text())
    handle = slider.locator(".noUi-handle")
    box = handle.bounding_box()
    track = slider.locator(".noUi-target").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(track["x"] + 0.9 * track["width"], box["y"] + box["height"] / 2, steps=10)
    page.mouse.up()
    page.wait_for_function(f"el => parseFloat(el.textContent) !== {value_before}",
                           arg=readout.element_handle())
    # Le noyau redessine à chaque valeur du curseur (continuous_update) : on attend qu'il ait fini
    # (noyau inactif, image stable d'une capture à l'autre) avant de comparer.
    deadline = time.monotonic() + 60
    after = before
    while time.monotonic() < deadline:
        page.wait_for_timeout(700)
        previous, after = after, navigateur.decoded_image_region(canvas)
        if np.array_equal(after, previous) and lab.kernel_idle():
            break
    changed = float(np.mean(np.any(after != before, axis=-1)))
    page.shots.take("explorateur_apres")
    assert float(readout.inner_text()) != value_before
    assert changed >= 0.02, f"l'image décodée n'a pas changé ({changed:.1%} des pixels)"

    page.get_by_role("button", name="Validate").click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=STUDENT_TIMEOUT_S * 1000)
    page.wait_for_function("el => !/Validating/i.test(el.textContent)", arg=dialog.element_handle(),
                           timeout=STUDENT_TIMEOUT_S * 1000)
    page.shots.take("validate")
    text = dialog.inner_text()
    assert "Success! Your notebook passes all the tests." in text, text
    assert not course_errors(page), course_errors(page)


def test_enseignant_voit_les_devoirs_dans_le_formgrader(cours, page, tmp_path):
    # Comme `cours.sh --enseignant`, mais par le chemin complet de l'environnement, sans l'activer :
    # PATH sans .venv/bin ; nbgrader doit quand même trouver `alembic` (sinon : 500 sur la liste).
    server = navigateur.JupyterServer(cours, ".", tmp_path / "jupyter_enseignant.log", bare_path=True)
    try:
        page.goto(server.url(f"formgrader?token={server.token}"))
        page.shots.take("ouverture")
        for assignment in sorted(p.name for p in (cours / "source").iterdir() if p.is_dir()):
            row = page.locator("table tbody tr", has=page.get_by_role("link", name=assignment, exact=True))
            row.wait_for(timeout=60_000)
        page.shots.take("devoirs")
        log = server.log()
    finally:
        server.stop()
    assert "FileNotFoundError" not in log, log[-3000:]
    assert not course_errors(page), course_errors(page)
