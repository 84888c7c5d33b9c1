"""Étape 2 (suite) : des noyaux qui démarrent sans réimporter TensorFlow.

Chaque travailleur garde un **modèle de noyaux** (``kernel_template.py``) dans son propre bac à
sable bubblewrap : il a importé une fois numpy, TensorFlow, Keras, matplotlib, ipykernel et
``course`` ; pour chaque copie il se duplique, et la copie reçoit des espaces de noms et des
dossiers privés neufs, créés sous ceux du bac à sable (détail dans ``kernel_template.py``).
Mesuré : ≈ 3 s de moins par notebook corrigé (import et démarrage du noyau).

Le correcteur voit le noyau d'une copie comme un processus ordinaire (``KernelProcess``, que
jupyter_client pilote comme un ``Popen``) : son PID est celui, vu de l'hôte, de l'init de la copie ;
le tuer arrête toute la copie. Avant que la copie n'exécute quoi que ce soit, le correcteur la met
(intermédiaire, init, noyau) dans un groupe de contrôle neuf (``sandbox.CopyGroup`` : processus et
processeur bornés), effacé quand elle s'arrête.

Si le modèle ne peut pas démarrer (pas de bubblewrap, espaces de noms imbriqués refusés, plus
d'un fil après les imports), ``server_for`` renvoie ``None`` et la raison, et chaque noyau est
lancé par son propre bubblewrap, comme avant.
"""

import atexit
import json
import multiprocessing.util
import os
import pathlib
import resource
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time

import psutil

from . import sandbox as isolation
from .scratch import create as create_scratch

PROGRAM = pathlib.Path(__file__).with_name("kernel_template.py")
BOOTSTRAP = "import json, sys; exec(compile(json.loads(sys.stdin.readline()), 'kernel_template.py', 'exec'))"
# Dans le bac à sable du modèle, jamais root : Linux (5.12 et suivants) interdit à un processus
# sans capacité d'associer l'uid 0 dans un espace de noms utilisateur imbriqué (celui de chaque copie).
IDENTITY = (os.getuid() or 1000, os.getgid() or 1000)


class ForkServerError(RuntimeError):
    """Le modèle de noyaux ne démarre pas, ou ne répond plus."""


class KernelProcess:
    """Le noyau d'une copie, vu comme un ``subprocess.Popen`` par jupyter_client : ``pid`` est le
    PID (hôte) de l'init de la copie, dont la mort arrête tout ce que la copie a lancé."""

    stdin = stdout = stderr = None

    def __init__(self, pid, group=None):
        self.pid = pid
        self.returncode = None
        self._process = psutil.Process(pid)
        self.group = group  # sandbox.CopyGroup de la copie, ou None

    def poll(self):
        if self.returncode is None:
            try:
                gone = self._process.status() == psutil.STATUS_ZOMBIE
            except psutil.Error:
                gone = True
            if gone:
                self.returncode = -signal.SIGKILL
                if self.group is not None:
                    self.group.remove()
        return self.returncode

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("noyau", timeout)
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum):
        try:
            self._process.send_signal(signum)
        except psutil.Error:
            pass

    def kill(self):
        self.send_signal(signal.SIGKILL)
        if self.group is not None:
            self.group.kill()

    # Un init n'obéit à SIGTERM que s'il l'attend : arrêter une copie, c'est la tuer.
    terminate = kill


class ForkServer:
    """Le modèle de noyaux d'un travailleur (un processus bubblewrap qui vit avec le travailleur)."""

    def __init__(self, sandbox, startup_timeout=120, trial=False):
        self.sandbox = sandbox
        self.scratch = create_scratch("corr-modele-")
        self.shared = self.scratch.path
        self._lock = threading.Lock()
        # Le programme arrive en première ligne de l'entrée standard ; le dossier partagé, en
        # argument, figure ainsi dans la ligne de commande du modèle et de chaque copie.
        arguments = [self.shared, *(["essai"] if trial else [])]
        command = sandbox.wrap([sys.executable, "-c", BOOTSTRAP, *arguments], self.shared, IDENTITY,
                               kernel=False)
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=sandbox.environment(), preexec_fn=_limit_server(os.getpid()),
        )
        try:
            self.process.stdin.write((json.dumps(PROGRAM.read_text()) + "\n").encode())
            self.process.stdin.flush()
            self.ready = self._answer(startup_timeout)["ready"]
        except (OSError, ForkServerError) as error:
            self.close()
            raise ForkServerError(f"le modèle de noyaux ne démarre pas ({error})") from error

    def alive(self):
        return self.process.poll() is None

    def new_directory(self):
        """Un dossier neuf pour les sockets IPC d'une copie (seul dossier partagé qu'elle voit)."""
        return tempfile.mkdtemp(prefix="copie-", dir=self.shared)

    def spawn(self, arguments, shared, limits, timeout=30):
        """Démarre le noyau d'une copie : ``arguments`` ceux d'``ipykernel_launcher`` (``-f``
        fichier de connexion…), ``shared`` un dossier de ``new_directory`` ; renvoie un
        ``KernelProcess``. Lève ``ForkServerError`` si le modèle ne répond pas."""
        request = {"argv": list(arguments), "memory": limits.memory, "disk": limits.disk,
                   "shared": str(shared), "processes": limits.processes, "cpu_seconds": limits.cpu_seconds}
        isolation.sweep_groups()
        with self._lock:
            try:
                self.process.stdin.write((json.dumps(request) + "\n").encode())
                self.process.stdin.flush()
            except OSError as error:
                raise ForkServerError(f"modèle de noyaux arrêté ({error})") from error
            answer = self._answer(timeout)
        init = self._host_pid(answer["init"])
        return KernelProcess(init, self._confine(init, limits))

    @staticmethod
    def _confine(init, limits):
        """Met la copie dont l'init a le PID (hôte) ``init`` — l'intermédiaire, l'init, le noyau —
        dans un groupe de contrôle neuf, avant sa première cellule ; renvoie le groupe, ou None."""
        try:
            intermediate = psutil.Process(psutil.Process(init).ppid())
            group = isolation.CopyGroup.create(os.getpid(), init, limits)
        except (psutil.Error, OSError):
            return None
        if group is not None:
            group.adopt(intermediate)
        return group

    def _answer(self, timeout):
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else b""
        try:
            answer = json.loads(line)
        except ValueError:
            answer = {"error": "pas de réponse" if not line else f"réponse illisible {line[:200]!r}"}
        if "error" in answer:
            raise ForkServerError(f"modèle de noyaux : {answer['error']}")
        return answer

    def _host_pid(self, sandbox_pid, timeout=10):
        """Le PID, vu de l'hôte, du processus dont le PID vu du bac à sable est ``sandbox_pid``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process in psutil.Process(self.process.pid).children(recursive=True):
                try:
                    status = pathlib.Path(f"/proc/{process.pid}/status").read_text()
                except OSError:
                    continue
                numbers = next((line.split()[1:] for line in status.splitlines()
                                if line.startswith("NSpid:")), [])
                if len(numbers) >= 2 and int(numbers[1]) == sandbox_pid:
                    return process.pid
            time.sleep(0.01)
        raise ForkServerError(f"modèle de noyaux : copie {sandbox_pid} introuvable")

    def close(self):
        """Arrête le modèle et tout son bac à sable ; efface son dossier partagé."""
        try:
            tree = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.Error:
            tree = []
        try:
            self.process.stdin.close()  # fin de fichier : le modèle tue ses copies et s'arrête
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        finally:
            for process in tree:  # ce qui resterait (modèle mort avant : copies orphelines)
                try:
                    process.kill()
                except psutil.Error:
                    pass
            self.scratch.remove()


def _limit_server(parent):
    """Avant ``exec`` du bac à sable du modèle : mourir avec le travailleur, pas de fichier core (la
    limite de mémoire est posée dans chaque copie)."""
    die_with_parent = isolation.die_with_parent  # résolu avant fork

    def limit():
        die_with_parent(parent)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return limit


_SERVERS = {}
_LOCK = threading.Lock()


def server_for(sandbox):
    """Le modèle de noyaux de ce processus pour ``sandbox`` (démarré au premier appel, redémarré
    s'il est mort) ; ``(serveur, None)``, ou ``(None, raison)`` s'il ne peut pas servir ici : les
    noyaux sont alors lancés un à un par bubblewrap."""
    if sandbox.mode != "bwrap" or not sys.platform.startswith("linux"):
        return None, "modèle de noyaux seulement dans le bac à sable bubblewrap"
    key = (sandbox.mode, str(sandbox.data))
    with _LOCK:
        server = _SERVERS.get(key)
        if isinstance(server, str):
            return None, server
        if server is not None and server.alive():
            return server, None
        if server is not None:
            server.close()
        try:
            server = ForkServer(sandbox)
        except (ForkServerError, OSError) as error:
            _SERVERS[key] = str(error)
            return None, str(error)
        _SERVERS[key] = server
        return server, None


def problem(sandbox):
    """``None`` si un modèle de noyaux peut servir ici, sinon la raison (en français). Essai rapide
    (les espaces de noms d'une copie, sans les imports), pour prévenir l'enseignant au démarrage."""
    if sandbox.mode != "bwrap" or not sys.platform.startswith("linux"):
        return "modèle de noyaux seulement dans le bac à sable bubblewrap"
    try:
        ForkServer(sandbox, startup_timeout=60, trial=True).close()
    except ForkServerError as error:
        return str(error)
    return None


def discard(server):
    """Arrête ``server`` et l'oublie : le suivant sera démarré neuf."""
    with _LOCK:
        for key, known in list(_SERVERS.items()):
            if known is server:
                del _SERVERS[key]
    server.close()


def stop_all():
    """Arrête les modèles de ce processus (à la sortie)."""
    with _LOCK:
        for server in _SERVERS.values():
            if not isinstance(server, str):
                server.close()
        _SERVERS.clear()


# À la sortie : atexit pour un processus ordinaire, Finalize pour un processus de multiprocessing
# (travailleurs locaux et Dask), qui sort par os._exit sans passer par atexit.
atexit.register(stop_all)
multiprocessing.util.Finalize(None, stop_all, exitpriority=0)
