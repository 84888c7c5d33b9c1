"""Aide des tests dans le navigateur : copie du cours, serveur JupyterLab, Chromium de Debian.

- ``copy_course(dest)`` : copie temporaire du cours (sans .git, .venv, artefacts de notation) ;
- ``JupyterServer`` : JupyterLab lancé comme ``scripts/cours.sh`` le lance (mêmes arguments),
  sur un port libre de 127.0.0.1, avec un jeton ; ``url(chemin)`` donne l'adresse d'une page ;
- ``chromium_or_skip()`` : le Chromium du système et le module ``playwright``, ou un saut en
  français (un échec en CI, où ``COURSE_CI=1`` : rien n'y doit manquer) ;
- ``ConsoleWatch`` : les erreurs de la console du navigateur et les exceptions de la page ;
- ``Screenshots`` : captures d'écran numérotées d'un test, dans ``rapports/navigateur/`` ;
- ``Lab`` : les gestes d'un étudiant dans JupyterLab (ouvrir, tout exécuter, enregistrer) ;
- ``decoded_image_region(canvas)`` : pixels de l'image décodée d'un explorateur latent.
"""

import json
import os
import re
import secrets
import shutil
import subprocess
import sysconfig
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from paths import ROOT, component_missing
from support import free_port

IGNORED = shutil.ignore_patterns(
    ".git", ".venv", ".venv-*", "__pycache__", "*.egg-info", ".pytest_cache", ".ipynb_checkpoints",
    "rapports", "submitted", "autograded", "feedback", "exchange", "gradebook.db*", "*.keras",
)

ARTEFACTS = ROOT / "rapports" / "navigateur"  # captures d'écran des tests (ignoré par git)


def chromium_or_skip():
    """Chemin du Chromium de Debian ; saute (ou échoue en CI) s'il manque, ou playwright."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        component_missing("module Python playwright absent : pip install -r requirements.txt")
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    component_missing("Chromium absent : sudo apt-get install chromium (tests du navigateur sautés)")


def copy_course(dest):
    """Copie le cours (sources, notebooks, scripts, configuration nbgrader) dans ``dest``."""
    shutil.copytree(ROOT, dest, ignore=IGNORED)
    return Path(dest)



def environment_bin():
    """Dossier des exécutables de l'environnement du cours (.venv/bin)."""
    return Path(sysconfig.get_path("scripts"))


class JupyterServer:
    """JupyterLab sur ``course_dir``, lancé avec les arguments de scripts/cours.sh.

    ``root_dir`` : dossier servi, ``release`` (``cours.sh``, les étudiants) ou ``.``
    (``cours.sh --enseignant``, où le formgrader voit ``source/``). Arguments ajoutés à ceux de
    cours.sh : port, adresse, jeton, et l'état de l'interface gardé dans le dossier temporaire.
    ``bare_path`` : lance l'exécutable ``jupyter`` par son chemin complet avec un PATH réduit à
    /usr/bin:/bin (environnement non activé). Le processus part du dossier du cours, comme
    cours.sh (qui y fait ``cd``) : nbgrader y lit nbgrader_config.py. Les noyaux importent le
    paquet ``course`` installé dans l'environnement (celui du dépôt testé, installé avec ``-e``).
    """

    def __init__(self, course_dir, root_dir, log_path, extra_env=None, bare_path=False):
        self.course_dir = Path(course_dir)
        self.port = free_port()
        self.token = secrets.token_hex(16)
        state = self.course_dir.parent / f"etat_jupyter_{self.port}"
        state.mkdir()
        # pas de fenêtre « nouvelles de Jupyter » (elle demanderait le réseau et masquerait la page)
        news = state / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        news.parent.mkdir(parents=True)
        news.write_text('{"fetchNews": "false"}', encoding="utf-8")
        env = dict(os.environ)
        env.update(extra_env or {})
        env["PATH"] = "/usr/bin:/bin" if bare_path else f"{environment_bin()}{os.pathsep}{env['PATH']}"
        env["JUPYTER_RUNTIME_DIR"] = str(state / "runtime")
        env.pop("NBGRADER_EXECUTION", None)
        env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # comme chez un étudiant : seul le cours fait taire TF
        root = str((self.course_dir / root_dir).resolve())
        command = [str(environment_bin() / "jupyter"), "lab", f"--ServerApp.root_dir={root}"]
        if os.geteuid() == 0:
            command.append("--allow-root")  # comme cours.sh (conteneurs, CI)
        command += [
            "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            # l'état de l'interface (espaces de travail, réglages) reste dans le dossier temporaire
            f"--LabApp.workspaces_dir={state / 'workspaces'}",
            f"--LabApp.user_settings_dir={state / 'settings'}",
        ]
        self.log_path = Path(log_path)
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(command, cwd=self.course_dir, env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_ready()

    def url(self, path=""):
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def api(self, path):
        request = urllib.request.Request(self.url(path), headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8")

    def shutdown_kernels(self):
        """Arrête les noyaux du serveur (libère la mémoire entre deux tests)."""
        for kernel in json.loads(self.api("api/kernels")[1]):
            request = urllib.request.Request(self.url(f"api/kernels/{kernel['id']}"), method="DELETE",
                                             headers={"Authorization": f"token {self.token}"})
            urllib.request.urlopen(request, timeout=30).close()

    def log(self):
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def _wait_ready(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab s'est arrêté au démarrage :\n{self.log()[-3000:]}")
            try:
                if self.api("api/status")[0] == 200:
                    return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"JupyterLab ne répond pas après {timeout} s :\n{self.log()[-3000:]}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


class ConsoleWatch:
    """Retient les erreurs de la console d'une page, ses exceptions JavaScript non rattrapées et
    ses requêtes hors de 127.0.0.1."""

    def __init__(self, page):
        self.errors = []  # (texte, adresse du script)
        self.external = []  # requêtes vers une autre machine que 127.0.0.1 (un CDN, par exemple)
        page.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
                else self.external.append(r.url))
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append((f"{error.name}: {error.message}", error.stack or "")))

    def _on_console(self, message):
        if message.type == "error":
            self.errors.append((message.text, message.location.get("url", "")))

    def mark(self):
        return len(self.errors)

    def since(self, mark):
        return self.errors[mark:]


class Screenshots:
    """Captures d'écran d'un test : ``rapports/navigateur/<test>_<n>_<étape>.png``."""

    def __init__(self, page, test_name):
        self.page = page
        self.prefix = re.sub(r"[^A-Za-z0-9_]+", "_", test_name)
        self.count = 0
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        for old in ARTEFACTS.glob(f"{self.prefix}_*.png"):
            old.unlink()

    def take(self, step):
        self.count += 1
        path = ARTEFACTS / f"{self.prefix}_{self.count:02d}_{step}.png"
        try:
            self.page.screenshot(path=path)
        except Exception as error:  # page fermée : l'étape précédente a déjà échoué
            print(f"capture {path.name} impossible : {error}")
            return None
        print(f"capture : {path}")
        return path


NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # le notebook affiché

CELL_STATES = """() => Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell'))
    .map(c => c.classList.contains('jp-CodeCell')
         ? (c.querySelector('.jp-InputArea-prompt') || {textContent: ''}).textContent.trim()
         : null)"""


class Lab:
    """JupyterLab dans une page, piloté comme un étudiant le fait à la souris et au clavier."""

    def __init__(self, page, server, workspace):
        """Ouvre JupyterLab dans un espace de travail neuf (aucun onglet d'un test précédent)."""
        self.page = page
        page.goto(server.url(f"lab/workspaces/{workspace}?reset&token={server.token}"))
        page.locator(".jp-DirListing-item").first.wait_for()

    def open_from_file_browser(self, *names):
        """Double-clique dans l'explorateur de fichiers sur chaque nom (dossiers, puis le notebook)."""
        self.page.locator(".jp-FileBrowser .jp-BreadCrumbs-home").click()  # racine servie
        for name in names:
            item = self.page.locator(".jp-DirListing-item", has=self.page.get_by_text(name, exact=True))
            item.first.dblclick()
        self.page.locator(f"{NOTEBOOK} .jp-Cell").first.wait_for()
        self.wait_kernel_idle(240)

    def wait_kernel_idle(self, timeout_s):
        self.page.locator("#jp-main-statusbar", has_text="Idle").wait_for(timeout=timeout_s * 1000)

    def kernel_idle(self):
        return "Idle" in self.page.locator("#jp-main-statusbar").inner_text()

    def menu(self, menu, item):
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu}$")).click()
        self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()

    def cell_prompts(self):
        return self.page.evaluate(CELL_STATES)

    def run_all_cells_past_errors(self, timeout_s):
        """« Run All Cells » ; après une cellule en erreur, « Run Selected Cell and All Below » à
        partir de la suivante, jusqu'à ce que toutes les cellules de code aient été exécutées
        (JupyterLab arrête « Run All » à la première erreur : un exercice vide en est une)."""
        deadline = time.monotonic() + timeout_s
        first = True
        while True:
            prompts = self.cell_prompts()
            pending = [i for i, p in enumerate(prompts) if p is not None and p in ("[ ]:", "")]
            if not pending:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"cellules non exécutées après {timeout_s} s : {pending}")
            if first:
                self.page.locator(f"{NOTEBOOK} .jp-Cell").first.click()
                self.menu("Run", "Run All Cells")
                first = False
            else:
                cell = self.page.locator(f"{NOTEBOOK} .jp-Cell").nth(pending[0])
                cell.locator(".jp-InputArea-prompt").click()
                self.menu("Run", "Run Selected Cell and All Below")
            target = pending[0]
            while time.monotonic() < deadline:
                time.sleep(0.5)
                prompts = self.cell_prompts()
                if prompts[target] not in ("[ ]:", "") and not any(p and "*" in p for p in prompts):
                    break
            self.wait_kernel_idle(max(1, deadline - time.monotonic()))

    def save(self):
        self.page.keyboard.press("Control+s")
        self.page.locator(".jp-mod-current.jp-mod-dirty").wait_for(state="detached")
        time.sleep(0.5)

    def stderr_boxes(self):
        """Nombre d'encadrés rouges (stderr et traces d'erreur) dans le notebook affiché."""
        return self.page.locator(
            f'{NOTEBOOK} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        ).count()


def decoded_image_region(canvas):
    """Pixels RGB de la partie droite du canevas ipympl d'un explorateur latent (l'image décodée)."""
    import io

    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(canvas.screenshot())).convert("RGB"))
    width = pixels.shape[1]
    return pixels[:, int(0.66 * width):]
