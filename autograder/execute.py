"""Étape 3 : exécuter une copie préparée dans un noyau isolé, et la noter.

Le correcteur (ce processus, de confiance) pilote le noyau par nbclient — le moteur d'exécution
de nbgrader, dont il reprend le préprocesseur ``Execute`` — ; le noyau, lui, tourne dans le bac à
sable de ``isolation/sandbox.py`` (dupliqué du modèle de noyaux du travailleur,
``isolation/forkserver.py``, ou lancé par son propre bubblewrap) et ne parle qu'à travers des
sockets IPC. En plus de ce que fait ``nbgrader autograde`` :

- délai par cellule **et** par notebook ; une cellule qui boucle est interrompue, un noyau qui ne
  répond plus est arrêté ;
- mémoire : limite dans le noyau, plus une surveillance de la mémoire résidente de tout le bac à
  sable (arrêt au-delà) ;
- sortie : au plus ``Limits.output_chars`` caractères conservés par cellule ;
- noyau arrêté (``os._exit``, mémoire, plantage) : la cellule en cours et toutes les suivantes
  reçoivent une erreur, si bien qu'aucun test non exécuté ne rapporte de points ;
- falsification : après chaque cellule, une empreinte des fonctions de numpy, TensorFlow, Keras
  et des fonctions natives dont se servent les tests (plus les crochets d'erreur d'IPython) est
  comparée à celle prise avant la première cellule de l'étudiant (voir ``tampering.py``).

``grade_notebook`` renvoie un ``Graded`` : le notebook exécuté, les points par cellule notée
(calculés comme nbgrader, par ``nbgrader.utils.determine_grade``), les évènements en français,
la falsification éventuelle et la page de retour HTML. Rien n'y dépend d'un système de fichiers
partagé : une tâche Dask peut l'appeler telle quelle.
"""

import dataclasses
import json
import os
import shutil
import subprocess
import threading
import time

import nbformat
import psutil
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader import utils as nbgrader_utils
from nbgrader.preprocessors import Execute, LimitOutput

from . import illustrations, probes, settings
from . import tampering as fingerprint
from .isolation import forkserver, scratch
from .isolation.sandbox import Limits, Sandbox, kernel_arguments, with_lifeline


def cell_label(cell, index):
    """« normaliser » pour une cellule notée, sinon « n° 12 »."""
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
    return f"« {grade_id} »" if grade_id else f"n° {index}"


def error_output(name, message):
    return NotebookNode(output_type="error", ename=name, evalue=message, traceback=[f"{name}: {message}"])


@dataclasses.dataclass
class Graded:
    """Résultat de la correction d'un notebook (sérialisable, renvoyé par une tâche)."""

    notebook: str                         # le notebook exécuté (JSON)
    grades: dict                          # grade_id -> (points, points max)
    events: list                          # évènements en français (délai, mémoire, noyau arrêté…)
    tampering: str | None                 # falsification soupçonnée (français), sinon None
    feedback_html: str                    # page de retour, sans les tests cachés
    seconds: float                        # durée de l'exécution
    test_seconds: float                   # part des cellules de test (le plancher de la correction)
    peak_memory: int                      # mémoire résidente maximale du bac à sable (octets)
    fallback: str | None = None           # modèle de noyaux demandé mais pas utilisé : pourquoi (français)


class SandboxKernelManager(AsyncKernelManager):
    """Un gestionnaire de noyau dont le noyau démarre dans le bac à sable, relié par IPC."""

    def __init__(self, sandbox, shared, forkserver=None, **kwargs):
        super().__init__(kernel_name="python3", transport="ipc", ip=os.path.join(shared, "k"), **kwargs)
        self.sandbox, self.shared, self.forkserver = sandbox, shared, forkserver
        self.connection_file = os.path.join(shared, "noyau.json")
        self.lifeline = None  # bout écriture du fil de vie, ouvert au lancement du noyau

    @property
    def kernel_spec(self):
        """Le noyau python3 ; interrompu par message (un signal n'atteint pas le bac à sable)."""
        spec = super().kernel_spec
        if spec is not None:
            spec.interrupt_mode = "message"
        return spec

    def format_kernel_cmd(self, extra_arguments=None):
        if self.forkserver is not None:  # le modèle de noyaux meurt avec ce processus
            return super().format_kernel_cmd(extra_arguments)
        # Le fil de vie : le noyau meurt avec ce processus (voir isolation.sandbox.LIFELINE_CODE).
        self.cut_lifeline()  # un redémarrage éventuel remplace le tube précédent
        self._lifeline_read, self.lifeline = os.pipe()
        command = with_lifeline(super().format_kernel_cmd(extra_arguments), self._lifeline_read)
        return self.sandbox.wrap(command, self.shared)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        if self.forkserver is not None:
            # Dupliqué du modèle de noyaux : jupyter_client le pilote comme un Popen (sans groupe
            # de processus : celui de l'hôte contiendrait le modèle).
            process = self.forkserver.spawn(kernel_arguments(kernel_cmd), self.shared, self.sandbox.limits)
            self.provisioner.process, self.provisioner.pid, self.provisioner.pgid = process, process.pid, None
            self._reconcile_connection_info(self.provisioner.connection_info)
            return
        private = os.path.join(self.shared, "prive")
        kw["env"] = self.sandbox.environment(private)
        kw["cwd"] = self.sandbox.working_directory(private)
        kw["preexec_fn"] = self.sandbox.limit_resources
        kw["stdout"] = kw["stderr"] = subprocess.DEVNULL  # la sortie passe par les messages du noyau
        kw["pass_fds"] = (self._lifeline_read,)
        try:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            os.close(self._lifeline_read)  # le noyau a le sien ; ici ne reste que le bout écriture

    def cut_lifeline(self):
        """Ferme le bout écriture du fil de vie (à la fin de l'exécution) ; sans effet s'il n'y en a pas."""
        lifeline, self.lifeline = self.lifeline, None
        if lifeline is not None:
            os.close(lifeline)


class MemoryWatch(threading.Thread):
    """Surveille la mémoire résidente de l'arbre de processus du noyau ; le tue au-delà de la limite."""

    def __init__(self, pid, limit):
        super().__init__(daemon=True)
        self.pid, self.limit = pid, limit
        self.peak, self.killed, self._halt = 0, False, threading.Event()
        self.seen = {}  # pid -> psutil.Process : tout l'arbre vu pendant l'exécution

    def run(self):
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while True:
            try:
                processes = [root, *root.children(recursive=True)]
                self.seen.update((p.pid, p) for p in processes)
                rss = sum(p.memory_info().rss for p in processes)
            except psutil.Error:
                pass
            else:
                self.peak = max(self.peak, rss)
                if rss > self.limit:
                    self.killed = True
                    kill_tree(reversed(processes))
                    return
            if self._halt.wait(0.2):
                return

    def stop(self):
        self._halt.set()


class GradingExecute(Execute):
    """Le préprocesseur ``Execute`` de nbgrader, cellule par cellule, avec les gardes du module."""

    def __init__(self, limits, **kwargs):
        super().__init__(
            timeout=limits.cell_timeout, startup_timeout=settings.KERNEL_STARTUP_TIMEOUT, allow_errors=True,
            interrupt_on_timeout=True, record_timing=False, extra_arguments=list(settings.KERNEL_ARGUMENTS),
            iopub_timeout=settings.GRADER_IOPUB_TIMEOUT, raise_on_iopub_timeout=False,
            error_on_timeout={
                "ename": "DelaiDepasse",
                "evalue": f"la cellule a dépassé son délai ({limits.cell_timeout} s) et a été interrompue",
                "traceback": [f"DelaiDepasse : la cellule a dépassé son délai ({limits.cell_timeout} s)"],
            },
            **kwargs,
        )
        self.limits = limits
        self._chars = {}

    def output(self, outs, msg, display_id, cell_index):
        """Sortie d'une cellule, tronquée au-delà de ``limits.output_chars`` caractères."""
        # Texte : au plus output_chars caractères ; images et autres affichages : 50 fois plus.
        kind = "texte" if msg["msg_type"] == "stream" else "affichage"
        size = len(json.dumps(msg.get("content", {}))) if msg["msg_type"] != "error" else 0
        limit = self.limits.output_chars * (1 if kind == "texte" else 50)
        used = self._chars.get((cell_index, kind), 0)
        self._chars[(cell_index, kind)] = used + size
        if used + size <= limit:
            return super().output(outs, msg, display_id, cell_index)
        if used <= limit:
            outs.append(NotebookNode(output_type="stream", name="stdout", text=(
                f"\n[… sortie tronquée par le correcteur : plus de {limit} caractères de {kind}]\n")))
        return None

    def silent(self, expression, timeout=settings.PROBE_TIMEOUT):
        """Évalue ``expression`` dans le noyau sans rien afficher ; renvoie sa valeur texte ou None."""
        msg_id = self.kc.execute("", silent=True, store_history=False, user_expressions={"v": expression})
        cell_timeout, self.timeout = self.timeout, timeout
        try:
            reply = self.wait_for_reply(msg_id)
        except Exception:  # noqa: BLE001 (délai, noyau arrêté : pas d'empreinte)
            return None
        finally:
            self.timeout = cell_timeout
        value = (reply or {}).get("content", {}).get("user_expressions", {}).get("v", {})
        if value.get("status") != "ok":
            return None
        return value["data"]["text/plain"]


def grade_notebook(notebook_json: str, limits: Limits = Limits(), sandbox_mode: str = "bwrap",
                   preload: bool = True, name: str | None = None) -> Graded:
    """Exécute une copie préparée (sortie de ``record.prepare``) et la note ; renvoie un ``Graded``.

    ``preload`` : noyau dupliqué du modèle de noyaux du travailleur (``isolation/forkserver.py``)
    quand il peut servir, sinon lancé par son propre bac à sable. ``name`` : le titre de la page de
    retour (le devoir).

    Ne lève pas pour une faute de l'étudiant : elles deviennent des erreurs dans le notebook et
    des évènements ; lève seulement si le noyau ne peut pas démarrer du tout.
    """
    from . import feedback  # noqa: PLC0415 (nbconvert HTML, importé seulement par les travailleurs)

    nb = nbformat.reads(notebook_json, as_version=4)
    sandbox = Sandbox(sandbox_mode, limits)
    server, fallback = forkserver.server_for(sandbox) if preload and sandbox.mode == "bwrap" else (None, None)
    start = time.monotonic()
    try:
        events, tampering, peak, test_seconds = _run_in(nb, sandbox, limits, server)
    except forkserver.ForkServerError as error:
        # Modèle muet ou mort (avant toute cellule) : remplacé à la copie suivante ; celle-ci
        # démarre son noyau par son propre bac à sable.
        forkserver.discard(server)
        fallback = f"modèle de noyaux arrêté au démarrage de la copie ({error}), remplacé à la suivante"
        events, tampering, peak, test_seconds = _run_in(nb, sandbox, limits, None)
    seconds = time.monotonic() - start
    nb, _ = LimitOutput().preprocess(nb, {})
    grades = {}
    for cell in nb.cells:
        if nbgrader_utils.is_grade(cell):
            score, max_score = nbgrader_utils.determine_grade(cell)
            grades[cell.metadata.nbgrader["grade_id"]] = (float(score or 0), float(max_score))
    html = feedback.render(nb, grades, name)
    return Graded(nbformat.writes(nb), grades, events, tampering, html, round(seconds, 2),
                  round(test_seconds, 2), peak, fallback)


def _run_in(nb, sandbox, limits, server):
    """``_run`` dans un dossier partagé neuf (dans celui du modèle ``server`` s'il y en a un), effacé après."""
    if server is not None:
        shared = server.new_directory()
        try:
            return _run(nb, sandbox, shared, limits, server)
        finally:
            shutil.rmtree(shared, ignore_errors=True)
    folder = scratch.create("corr-copie-")
    try:
        return _run(nb, sandbox, folder.path, limits)
    finally:
        folder.remove()


def _run(nb, sandbox, shared, limits, server=None):
    """Démarre le noyau isolé, exécute ``nb`` ; renvoie (évènements, falsification, mémoire max,
    secondes des cellules de test)."""
    km = SandboxKernelManager(sandbox, shared, forkserver=server)
    client = GradingExecute(limits)
    NotebookClient.__init__(client, nb, km)  # comme ExecutePreprocessor.preprocess
    client.reset_execution_trackers()
    # nbclient n'arrête que les noyaux dont il a créé le gestionnaire : sans cleanup_kc, chaque
    # noyau survivrait jusqu'à la fin du travailleur (un par copie corrigée). L'état du noyau est
    # jeté : arrêt immédiat, puis tout reste de l'arbre du bac à sable est tué et attendu.
    client.shutdown_kernel = "immediate"
    watch = None
    try:
        with client.setup_kernel(cleanup_kc=True):
            watch = MemoryWatch(km.provisioner.process.pid, limits.memory)
            watch.start()
            try:
                events, tampering, test_seconds = _cells(client, nb, watch, limits)
            finally:
                watch.stop()
    finally:
        if watch is not None:
            watch.join(timeout=5)
            kill_tree(watch.seen.values())
        km.cut_lifeline()
    return events, tampering, watch.peak, test_seconds


def kill_tree(processes):
    """Tue (SIGKILL) et attend les processus de ``processes`` encore vivants (``psutil.Process``)."""
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                process.kill()
                alive.append(process)
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=5)


def _cells(client, nb, watch, limits):
    """Exécute les cellules une à une, avec les gardes ; renvoie (évènements, falsification,
    secondes passées dans les cellules de test).

    Les cellules d'illustration que rien n'utilise (``illustrations.skipped_cells``) ne sont pas
    exécutées. Les sondes passent avant chaque cellule de test qui suit une cellule modifiable
    exécutée, et après la dernière cellule : c'est là que le jugement des tests compte."""
    events, tampering, unjudged = [], None, None
    skipped, test_seconds, dirty = illustrations.skipped_cells(nb), 0.0, None
    deadline = time.monotonic() + limits.notebook_timeout
    client.timeout_func = lambda cell: max(1, int(min(
        settings.PROBE_TIMEOUT if cell.metadata.get(PROBE_FLAG) else limits.cell_timeout, deadline - time.monotonic())))
    names = fingerprint.watched_names(nb)
    expression = fingerprint.fingerprint_expression(names)
    modules = sorted({fingerprint.module_of(name) for name in names} - {"builtins"})
    info = client.wait_for_reply(client.kc.kernel_info())
    nb.metadata["language_info"] = info["content"]["language_info"]
    client.silent(f"[__import__(m) for m in {modules!r}]", timeout=limits.cell_timeout)
    reference = client.silent(expression)
    maker = probes.ProbeMaker()
    stopped_at = None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if stopped_at is not None:
            cell.outputs = [error_output("NonExecutee", f"cellule non exécutée : {stopped_at}")]
            continue
        if index in skipped:
            cell.outputs = [NotebookNode(output_type="stream", name="stdout", text=illustrations.SKIPPED_TEXT)]
            cell.execution_count = None
            continue
        label = cell_label(cell, index)
        is_test = nbgrader_utils.is_grade(cell) and not nbgrader_utils.is_solution(cell)
        if is_test and dirty is not None and unjudged is None:
            problem = _probe(client, nb, maker)
            if problem:
                unjudged = f"{problem}, entre la cellule {dirty} et la cellule {label}"
        if is_test:
            dirty = None
        elif dirty is None and not _locked(cell):
            dirty = label  # cellule modifiable : sondes avant le prochain test
        witness = maker.witness() if is_test else None
        started = time.monotonic()
        try:
            _execute(client, cell, index, witness)
        except DeadKernelError:
            reason = "mémoire dépassée" if watch.killed else "noyau arrêté"
            cell.outputs.append(error_output("NoyauArrete", f"{reason} pendant cette cellule"))
            events.append(f"{reason} (cellule {label})")
            stopped_at = f"{reason} à la cellule {label}"
            continue
        except Exception as error:  # noqa: BLE001 (le correcteur ne s'arrête jamais sur une copie)
            cell.outputs.append(error_output("ErreurCorrecteur", str(error)[:300]))
            events += _cell_events(cell, label)
            if client.silent("1", timeout=settings.CHECK_TIMEOUT) is None:
                events.append(f"noyau bloqué (cellule {label})")
                stopped_at = f"noyau bloqué à la cellule {label}"
            continue
        finally:
            if is_test:
                test_seconds += time.monotonic() - started
        if witness is not None:
            cell.outputs, problem = probes.strip_witness(cell.outputs, *witness[1:])
            if problem and unjudged is None:
                unjudged = f"{problem} (cellule {label})"
        events += _cell_events(cell, label)
        if any(o.get("ename") == "DelaiDepasse" for o in cell.outputs) and client.silent("1", timeout=settings.CHECK_TIMEOUT) is None:
            events.append(f"noyau bloqué après le délai (cellule {label})")
            stopped_at = f"noyau bloqué à la cellule {label}"
            continue
        if time.monotonic() >= deadline:
            events.append(f"délai du notebook dépassé ({limits.notebook_timeout} s, cellule {label})")
            stopped_at = f"délai du notebook dépassé à la cellule {label}"
            continue
        if tampering is None and reference is not None:
            current = client.silent(expression, timeout=settings.CHECK_TIMEOUT)
            tampering = fingerprint.compare(reference, current, label)
    if unjudged is None and stopped_at is None:
        problem = _probe(client, nb, maker)
        if problem:
            unjudged = f"{problem}, après la dernière cellule"
    _renumber(nb)
    if reference is None:
        tampering = "vérification des fonctions des tests impossible au démarrage du noyau"
    if unjudged is not None:
        unjudged = f"vérification impossible : les tests ne sont plus jugés normalement ({unjudged})"
        tampering = unjudged if tampering is None else f"{unjudged} ; {tampering}"
    return events, tampering, test_seconds


PROBE_FLAG = "sonde_du_correcteur"  # métadonnée d'une sonde (jamais envoyée au noyau)


def _locked(cell):
    """Cellule de code verrouillée de l'enseignant (remise d'après le carnet par ``record.prepare``)."""
    return bool(cell.metadata.get("nbgrader", {}).get("locked")) and not nbgrader_utils.is_solution(cell)


def _execute(client, cell, index, witness=None):
    """Exécute ``cell`` ; une cellule de test est envoyée suivie de son témoin (voir ``probes``),
    son texte dans le notebook reste celui de l'enseignant."""
    if witness is None:
        client.preprocess_cell(cell, {}, index)
        return
    source = cell.source
    cell.source = source.rstrip("\n") + "\n" + witness[0]
    try:
        client.preprocess_cell(cell, {}, index)
    finally:
        cell.source = source


def _probe(client, nb, maker):
    """Envoie les sondes d'un point de contrôle ; renvoie ce qui cloche (français) ou None.

    Chaque sonde passe par le même chemin que les cellules du notebook (ajoutée le temps de son
    exécution, puis retirée : elle n'apparaît ni dans la copie corrigée ni dans le retour)."""
    for probe in maker.round():
        cell = nbformat.v4.new_code_cell(probe.source)
        cell.metadata[PROBE_FLAG] = True
        nb.cells.append(cell)
        try:
            client.preprocess_cell(cell, {}, len(nb.cells) - 1)
        except DeadKernelError:
            return "noyau arrêté pendant une vérification"
        except Exception as error:  # noqa: BLE001 (délai, noyau bloqué : la vérification a échoué)
            return f"vérification interrompue ({type(error).__name__})"
        finally:
            nb.cells.pop()
        problem = probes.judge(probe, cell.outputs)
        if problem:
            return problem
    return None


def _renumber(nb):
    """Numéros d'exécution 1, 2, 3… des cellules exécutées (les sondes en ont pris entre elles)."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            count += 1
            cell.execution_count = count
            for output in cell.outputs:
                if "execution_count" in output:
                    output["execution_count"] = count


ERROR_EVENTS = (  # (fragment du message d'erreur, évènement en français)
    ("Network is unreachable", "accès au réseau refusé"),
    ("Name or service not known", "accès au réseau refusé"),
    ("Temporary failure in name resolution", "accès au réseau refusé"),
    ("Connection refused", "accès au réseau refusé"),
    ("Read-only file system", "écriture refusée hors du dossier de travail"),
    ("No such file or directory", "fichier introuvable (seul le dossier de travail est visible)"),
    ("Permission denied", "accès à un fichier refusé"),
    ("Resource temporarily unavailable", "trop de processus ou de fils (limite de la copie)"),
)


def _cell_events(cell, label):
    """Évènements notables d'une cellule exécutée, d'après ses erreurs. Les échecs des cellules de
    test n'en sont pas (les points le disent) ; une erreur dans une autre cellule en est un."""
    found = []
    is_test = nbgrader_utils.is_grade(cell) and not nbgrader_utils.is_solution(cell)
    for output in cell.get("outputs", []):
        if output.output_type != "error":
            continue
        text = f"{output.ename}: {output.evalue}"
        known = next((event for fragment, event in ERROR_EVENTS if fragment in text), None)
        if output.ename == "KeyboardInterrupt":
            continue  # l'interruption d'un délai dépassé, déjà signalée
        if output.ename == "DelaiDepasse":
            found.append(f"délai dépassé (cellule {label})")
        elif output.ename == "MemoryError":
            found.append(f"mémoire dépassée (cellule {label})")
        elif known:
            found.append(f"{known} (cellule {label})")
        elif output.ename == "NotImplementedError" and not is_test:
            found.append(f"pas de réponse (cellule {label})")
        elif not is_test:
            found.append(f"erreur {output.ename} (cellule {label})")
    if any("sortie tronquée par le correcteur" in o.get("text", "") for o in cell.get("outputs", [])):
        found.append(f"sortie tronquée (cellule {label})")
    return found

