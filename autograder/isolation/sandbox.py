"""Étape 2 : isoler l'exécution d'une copie.

Chaque notebook d'étudiant s'exécute dans un noyau Jupyter lancé dans un bac à sable
`bubblewrap <https://github.com/containers/bubblewrap>`_ (paquet Debian ``bubblewrap``) :

- pas de réseau (espace de noms réseau vide : seule une boucle locale, sans rien derrière) ;
- un système de fichiers fait de listes blanches : ``/usr`` et quelques fichiers de ``/etc``,
  l'installation Python et l'environnement du cours, le paquet ``course`` et les données
  Fashion-MNIST, tous **en lecture seule** ; rien d'autre de la machine (ni ``source/``, ni le
  carnet de notes, ni les copies des autres, ni le dossier personnel de l'enseignant) ;
- un dossier de travail ``/travail``, un ``HOME`` et un ``/tmp`` privés, vides, en mémoire
  (tmpfs de taille bornée), jetés à la fin : seul endroit où la copie peut écrire ;
- ses propres espaces de noms de processus, d'IPC et de nom d'hôte ; plus aucune capacité ;
- une limite de mémoire (``RLIMIT_AS``, plus une surveillance de la mémoire résidente par
  l'exécuteur), pas de fichier ``core`` ;
- un nombre de processus et de fils et une part de processeur bornés par copie (groupe de
  contrôle ``pids.max`` et quota de processeur, voir ``CopyGroup``), un temps de processeur borné
  par processus (``RLIMIT_CPU``).

Le noyau importe le paquet ``course`` du correcteur, monté en ``/cours/course`` (``/cours`` en tête
de ``PYTHONPATH``) : jamais celui que désigne l'environnement Python (une installation éditable
peut pointer vers un autre dossier du cours, invisible dans le bac à sable).

Le noyau parle au correcteur par des sockets IPC (fichiers ZeroMQ) dans un dossier propre à
l'exécution, seul dossier partagé avec l'extérieur. Avec le modèle de noyaux (``forkserver.py``),
ce bac à sable est celui du modèle, et chaque copie y reçoit en plus ses propres espaces de noms et
dossiers privés neufs (``kernel_template.py``).

Sans bubblewrap (macOS, Windows, noyau Linux sans espaces de noms utilisateur), l'isolement est
**minimal** : le noyau tourne avec un environnement vidé, un dossier de travail, un ``HOME`` et un
``TMPDIR`` privés et temporaires, et les mêmes limites de temps, de mémoire et de processus (groupe
de contrôle seulement) ; il garde le réseau et peut lire ce que l'utilisateur peut lire. La commande
le dit en démarrant.
"""

import atexit
import contextlib
import ctypes
import dataclasses
import functools
import multiprocessing.util
import os
import pathlib
import resource
import shutil
import signal
import subprocess
import sys
import time

import course

from .. import settings

WORKDIR = "/travail"
HOME = "/home/etudiant"
DATA = "/donnees"
COURSE = "/cours"  # le paquet course du correcteur y est monté (/cours/course), en tête de PYTHONPATH
ETC_FILES = (
    "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group",
    "nsswitch.conf", "alternatives", "fonts", "mime.types",
)


# Chargée une fois pour toutes : die_with_parent sert aussi entre fork et exec (limit_resources).
_LIBC = ctypes.CDLL(None) if sys.platform.startswith("linux") else None
PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid):
    """Mourir (SIGKILL) quand le processus ``parent_pid`` meurt, même tué par ``kill -9`` : pour
    les travailleurs et pour les noyaux en isolement minimal (bubblewrap le fait lui-même avec
    ``--die-with-parent``). Linux seulement (ailleurs : rien)."""
    if _LIBC is None:
        return
    _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # parent mort avant le prctl
        os._exit(1)


# Ligne exécutée au démarrage du noyau (``exec_lines`` d'IPython, dans un espace de noms à part) :
# un fil lit le bout « lecture » d'un tube dont le correcteur garde seul le bout « écriture ». Fin
# de fichier = le correcteur est mort (même tué par kill -9, même avant le démarrage du noyau) : le
# noyau tue son groupe de processus. En bwrap, sa mort arrête l'init de l'espace de noms, donc
# tout le bac à sable, ce que --die-with-parent ne garantit pas si le correcteur meurt pendant
# que bwrap prépare le bac à sable. (Lancer le noyau par ``python -c`` et ``runpy`` rendait
# l'import de TensorFlow plus lent de 0,8 s : le noyau garde ``-m ipykernel_launcher``.)
LIFELINE_CODE = (
    "import os, signal, threading\n"
    "def fil_de_vie(fd={fd}):\n"
    "    try:\n"
    "        while os.read(fd, 1):\n"
    "            pass\n"
    "    except OSError:\n"
    "        pass\n"
    "    os.killpg(0, signal.SIGKILL)\n"
    "threading.Thread(target=fil_de_vie, daemon=True, name='fil-de-vie').start()\n"
)


def kernel_arguments(kernel_command):
    """Les arguments d'``ipykernel_launcher`` dans ``[python, -m, ipykernel_launcher, *arguments]``."""
    if kernel_command[1:3] != ["-m", "ipykernel_launcher"]:
        raise ValueError(f"commande de noyau inattendue : {kernel_command[:3]}")
    return kernel_command[3:]


def with_lifeline(kernel_command, fd):
    """Ajoute à ``[python, -m, ipykernel_launcher, *arguments]`` la ligne de démarrage du fil de
    vie : le noyau meurt quand le descripteur ``fd`` (hérité, bout lecture d'un tube) atteint la
    fin de fichier."""
    kernel_arguments(kernel_command)
    line = f"exec({LIFELINE_CODE.format(fd=int(fd))!r}, {{}})"
    return [*kernel_command, f"--IPKernelApp.exec_lines={line}"]


@dataclasses.dataclass(frozen=True)
class Limits:
    """Limites d'une exécution : secondes par cellule et par notebook, octets de mémoire, de sortie
    conservée par cellule (caractères) et de disque privé (tmpfs du dossier de travail, du HOME, de
    /tmp) ; processus et fils de la copie (ensemble), processeurs de la copie (quota), secondes de
    processeur par processus (``None`` : deux fois le délai du notebook)."""

    cell_timeout: int = settings.CELL_TIMEOUT
    notebook_timeout: int = settings.NOTEBOOK_TIMEOUT
    memory: int = 4 * 2**30
    output_chars: int = 100_000
    disk: int = 256 * 2**20
    processes: int = 1024
    cpus: float = 1.0
    cpu_time: int | None = None

    @property
    def cpu_seconds(self):
        """Le plafond ``RLIMIT_CPU`` de chaque processus d'une copie : bien au-dessus de ce qu'un
        notebook honnête consomme (un fil de calcul pendant au plus ``notebook_timeout`` s)."""
        return self.cpu_time if self.cpu_time is not None else 2 * self.notebook_timeout


def data_directory():
    """Le dossier qui contient les fichiers Fashion-MNIST, ou None (les mêmes lieux que
    ``course.donnees``, dans le même ordre)."""
    from course import donnees

    for folder, _ in donnees.dossiers_candidats():
        if (pathlib.Path(folder) / "t10k-labels-idx1-ubyte.gz").is_file():
            return pathlib.Path(folder).resolve()
    return None


def course_directory():
    """Le dossier du paquet ``course`` que ce processus a importé (celui du dossier du cours d'où
    la commande est lancée) : le seul que les noyaux importent."""
    return os.path.dirname(os.path.realpath(course.__file__))


# Première commande d'un noyau dans le bac à sable : ``RLIMIT_NPROC`` posé dans l'espace de noms
# utilisateur de la copie, où Linux compte les processus et fils de l'utilisateur à part (posé
# avant bwrap, il compterait tous ceux de l'enseignant). Sans effet pour root (Linux ne l'applique
# pas à l'uid 0 de la machine) : le groupe de contrôle borne alors la copie.
NPROC_CODE = (
    "import os, resource, sys\n"
    "n = int(sys.argv[1])\n"
    "resource.setrlimit(resource.RLIMIT_NPROC, (n, n))\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)

# --- Groupes de contrôle : processus et processeur de chaque copie ------------------------------

GROUP_PREFIX = "correction-"  # correction-<pid du correcteur>-<pid de la copie (hôte)>
CFS_PERIOD = 100_000  # µs


def _cgroup_mounts():
    """Les hiérarchies de groupes de contrôle montées : ``{contrôleur: (point de montage, racine)}``
    pour la v1 (``pids``, ``cpu``), ``{"": (point, racine)}`` pour la v2."""
    found = {}
    with contextlib.suppress(OSError), open("/proc/self/mountinfo") as mountinfo:
        for line in mountinfo:
            before, _, after = line.partition(" - ")
            fields, (kind, _, options) = before.split(), after.split()[:3]
            if kind == "cgroup2":
                found.setdefault("", (fields[4], fields[3]))
            elif kind == "cgroup":
                for controller in set(options.split(",")) & {"pids", "cpu"}:
                    found.setdefault(controller, (fields[4], fields[3]))
    return found


def _own_cgroups():
    """Les groupes de ce processus : ``{contrôleur: chemin}`` (``""`` pour la v2)."""
    own = {}
    with contextlib.suppress(OSError), open("/proc/self/cgroup") as groups:
        for line in groups:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            for controller in controllers.split(","):
                own[controller] = path
    return own


def _group_folder(mounts, own, controller):
    """Le dossier, dans sa hiérarchie montée, du groupe de ce processus pour ``controller``."""
    if controller not in mounts or controller not in own:
        return None
    point, root = mounts[controller]
    path = own[controller]
    if root != "/" and path.startswith(root):
        path = path[len(root):]
    return os.path.join(point, path.lstrip("/"))


def _usable(parent, files):
    """Vrai si un groupe enfant de ``parent`` peut être créé et recevoir les ``files``."""
    trial = os.path.join(parent, f"{GROUP_PREFIX}essai-{os.getpid()}")
    try:
        os.mkdir(trial)
    except OSError:
        return False
    try:
        return all(os.access(os.path.join(trial, name), os.W_OK) for name in files)
    finally:
        with contextlib.suppress(OSError):
            os.rmdir(trial)


@functools.cache
def process_groups():
    """Où créer le groupe de contrôle d'une copie : ``{"pids": dossier, "cpu": dossier ou None}``,
    sous le groupe de ce processus ; ``None`` si aucun n'est utilisable ici (ni hiérarchie v1
    ``pids`` inscriptible, ni groupe v2 dont ``pids`` est délégué aux enfants).

    v1 (cette machine, la CI) : une hiérarchie par contrôleur. v2 : un seul dossier, utilisable
    seulement si ``pids`` figure déjà dans son ``cgroup.subtree_control`` (la règle « pas de
    processus internes » interdit de l'y ajouter tant que le correcteur y est)."""
    if not sys.platform.startswith("linux"):
        return None
    mounts, own = _cgroup_mounts(), _own_cgroups()
    pids = _group_folder(mounts, own, "pids")
    if pids and _usable(pids, ["pids.max", "cgroup.procs"]):
        cpu = _group_folder(mounts, own, "cpu")
        return {"pids": pids, "cpu": cpu if cpu and _usable(cpu, ["cpu.cfs_quota_us"]) else None}
    unified = _group_folder(mounts, own, "")
    try:
        delegated = open(os.path.join(unified, "cgroup.subtree_control")).read().split() if unified else []
    except OSError:
        delegated = []
    if "pids" in delegated and _usable(unified, ["pids.max", "cgroup.procs"]):
        return {"pids": unified, "cpu": unified if "cpu" in delegated else None}
    return None


def _write(folder, name, value):
    with open(os.path.join(folder, name), "w") as file:
        file.write(str(value))


class CopyGroup:
    """Le groupe de contrôle d'une copie (un dossier par hiérarchie) : au plus
    ``Limits.processes`` processus et fils ensemble (``pids.max`` : un ``fork`` de trop échoue,
    « Resource temporarily unavailable »), au plus ``Limits.cpus`` processeurs (quota CFS : une
    copie qui lance cent fils qui calculent ne prend rien au travailleur voisin). Ses processus
    ne peuvent pas en sortir : ``kill`` les tue tous, où qu'ils soient rattachés."""

    def __init__(self, folders):
        self.folders = list(dict.fromkeys(folders))

    @classmethod
    def create(cls, grader, leader, limits):
        """Le groupe neuf de la copie dont ``leader`` est le premier processus (PID hôte), lancée
        par le correcteur ``grader`` ; ``None`` sans groupe de contrôle utilisable ici."""
        parents = process_groups()
        if parents is None:
            return None
        name = f"{GROUP_PREFIX}{grader}-{leader}"
        pids = os.path.join(parents["pids"], name)
        os.makedirs(pids, exist_ok=True)
        _write(pids, "pids.max", limits.processes)
        folders = [pids]
        if parents["cpu"] is not None:
            cpu = os.path.join(parents["cpu"], name)
            os.makedirs(cpu, exist_ok=True)
            quota = max(1000, int(limits.cpus * CFS_PERIOD))
            if os.path.exists(os.path.join(cpu, "cpu.max")):  # v2
                _write(cpu, "cpu.max", f"{quota} {CFS_PERIOD}")
            else:
                _write(cpu, "cpu.cfs_period_us", CFS_PERIOD)
                _write(cpu, "cpu.cfs_quota_us", quota)
            folders.append(cpu)
        return cls(folders)

    def add(self, pid):
        """Met le processus ``pid`` (hôte, tous ses fils) dans le groupe ; ses enfants à venir y
        naissent."""
        for folder in self.folders:
            _write(folder, "cgroup.procs", pid)

    def adopt(self, root):
        """Met ``root`` (``psutil.Process``) et tous ses descendants dans le groupe, jusqu'à ce
        qu'aucun nouveau n'apparaisse (un enfant né pendant le déplacement de son parent)."""
        import psutil  # noqa: PLC0415 (pas dans le processus du noyau)

        moved = set()
        while True:
            try:
                tree = [root, *root.children(recursive=True)]
            except psutil.Error:
                return
            new = [process.pid for process in tree if process.pid not in moved]
            if not new:
                return
            for pid in new:
                with contextlib.suppress(OSError):  # mort entre-temps
                    self.add(pid)
                moved.add(pid)

    def members(self):
        """Les PID (hôte) des processus du groupe."""
        found = set()
        for folder in self.folders:
            with contextlib.suppress(OSError), open(os.path.join(folder, "cgroup.procs")) as procs:
                found.update(int(line) for line in procs if line.strip())
        return found

    def kill(self, timeout=10):
        """Tue (SIGKILL) tous les processus du groupe, jusqu'à ce qu'il soit vide (ou ``timeout`` s)."""
        deadline = time.monotonic() + timeout
        while (members := self.members()) and time.monotonic() < deadline:
            for pid in members:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.01)

    def remove(self):
        """Tue ce qui reste et efface le groupe ; vrai s'il n'existe plus."""
        self.kill()
        for folder in self.folders:
            with contextlib.suppress(FileNotFoundError):
                try:
                    os.rmdir(folder)
                except OSError:  # un processus mourant s'y attarde : réessayé au prochain balayage
                    time.sleep(0.05)
                    with contextlib.suppress(OSError):
                        os.rmdir(folder)
        return not any(os.path.exists(folder) for folder in self.folders)


def _alive(pid):
    """Vrai si le processus ``pid`` existe et n'est pas un zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def sweep_groups(everything=False):
    """Efface les groupes des copies terminées de ce processus (premier processus mort), ceux des
    correcteurs morts, et, avec ``everything``, tous ceux de ce processus (à sa sortie)."""
    parents = process_groups() if sys.platform.startswith("linux") else None
    if parents is None:
        return
    me = os.getpid()
    groups = {}
    for parent in {folder for folder in parents.values() if folder}:
        with contextlib.suppress(OSError):
            for name in os.listdir(parent):
                owner, _, leader = name.removeprefix(GROUP_PREFIX).partition("-")
                if name.startswith(GROUP_PREFIX) and owner.isdigit() and leader.isdigit():
                    groups.setdefault((int(owner), int(leader)), []).append(os.path.join(parent, name))
    for (owner, leader), folders in groups.items():
        finished = owner == me and (everything or not _alive(leader))
        if finished or (owner != me and not _alive(owner)):
            CopyGroup(folders).remove()


# À la sortie : atexit pour un processus ordinaire, Finalize pour un processus de multiprocessing
# (travailleurs locaux et Dask), qui sort par os._exit sans passer par atexit.
atexit.register(sweep_groups, everything=True)
multiprocessing.util.Finalize(None, sweep_groups, kwargs={"everything": True}, exitpriority=0)


def bwrap_problem():
    """``None`` si bubblewrap marche ici, sinon la raison (en français)."""
    if not sys.platform.startswith("linux"):
        return f"bubblewrap n'existe que sous Linux (système : {sys.platform})"
    if shutil.which("bwrap") is None:
        return "bubblewrap est absent (sous Debian/Ubuntu : apt-get install bubblewrap)"
    try:
        result = subprocess.run(
            ["bwrap", "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"],
            capture_output=True, text=True, timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap ne démarre pas ({error})"
    if result.returncode != 0:
        return f"bubblewrap refuse de créer un bac à sable ({result.stderr.strip()[:200]})"
    return None


class Sandbox:
    """Fabrique la commande et l'environnement d'un noyau isolé.

    ``mode`` : ``"bwrap"`` (isolement complet) ou ``"minimal"`` (voir le docstring du module).
    """

    def __init__(self, mode, limits=Limits()):
        if mode not in ("bwrap", "minimal"):
            raise ValueError(f"mode d'isolement inconnu : {mode!r} (bwrap ou minimal)")
        self.mode = mode
        self.limits = limits
        self.data = data_directory()

    @classmethod
    def choose(cls, wanted="auto", limits=Limits()):
        """Renvoie ``(Sandbox, avertissement)`` ; ``wanted`` : ``auto``, ``bwrap`` ou ``minimal``.

        ``auto`` prend bubblewrap s'il marche, sinon l'isolement minimal avec un avertissement ;
        ``bwrap`` lève ``RuntimeError`` s'il ne marche pas.
        """
        if wanted == "minimal":
            return cls("minimal", limits), "Isolement minimal demandé : " + MINIMAL_WARNING
        problem = bwrap_problem()
        if problem is None:
            return cls("bwrap", limits), None
        if wanted == "bwrap":
            raise RuntimeError(f"Isolement impossible : {problem}.")
        return cls("minimal", limits), f"Isolement minimal ({problem}) : " + MINIMAL_WARNING

    def describe(self):
        """Une ligne en français : ce qui est appliqué."""
        memory = self.limits.memory / 2**30
        common = (f"{self.limits.cell_timeout} s par cellule, {self.limits.notebook_timeout} s par "
                  f"notebook, {memory:g} Gio de mémoire, {self.describe_processes()}")
        if self.mode == "bwrap":
            return ("bac à sable bubblewrap (sans réseau, fichiers du cours en lecture seule, "
                    f"dossier de travail, HOME et /tmp privés), {common}")
        return f"isolement minimal (HOME et TMPDIR privés, réseau et fichiers accessibles), {common}"

    def describe_processes(self):
        """Ce qui borne les processus et le processeur d'une copie ici (français)."""
        cpu = f"{self.limits.cpu_seconds} s de processeur par processus"
        groups = process_groups()
        if groups is not None:
            share = f" et {self.limits.cpus:g} processeur" if groups["cpu"] else ""
            return f"{self.limits.processes} processus et fils{share} par copie, {cpu}"
        if self.mode == "bwrap" and os.getuid() != 0:
            return f"{self.limits.processes} processus et fils par copie (RLIMIT_NPROC), {cpu}"
        return f"{cpu} (nombre de processus non borné ici : ni groupe de contrôle, ni RLIMIT_NPROC)"

    def environment(self, private=None):
        """Variables d'environnement du noyau (l'environnement de l'enseignant n'est pas transmis).

        ``private`` : dossier privé de l'exécution (isolement minimal seulement), où vivent le
        dossier de travail, le HOME et le TMPDIR.
        """
        venv_bin = str(pathlib.Path(sys.executable).parent)
        env = {
            "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "NBGRADER_EXECUTION": "autograde",
            "PYTHONNOUSERSITE": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            # Un fil de calcul par noyau : les copies tournent en parallèle, une par cœur.
            "TF_NUM_INTRAOP_THREADS": "1",
            "TF_NUM_INTEROP_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
        if self.mode == "bwrap":
            env.update(HOME=HOME, TMPDIR="/tmp", MPLCONFIGDIR=f"{HOME}/.matplotlib", PYTHONPATH=COURSE)
            if self.data:
                env["COURSE_DATA_DIR"] = DATA
        else:
            env.update(HOME=f"{private}/home", TMPDIR=f"{private}/tmp",
                       MPLCONFIGDIR=f"{private}/home/.matplotlib", PYTHONPATH=f"{private}/cours")
            if self.data:
                env["COURSE_DATA_DIR"] = str(self.data)
        return env

    def working_directory(self, private):
        """Le dossier courant du noyau (vu de l'extérieur pour l'isolement minimal)."""
        if self.mode == "bwrap":
            return None  # bwrap change lui-même de dossier (--chdir)
        for name in ("travail", "home", "tmp", "cours"):
            (pathlib.Path(private) / name).mkdir(parents=True, exist_ok=True)
        # PYTHONPATH : un dossier qui ne contient que le paquet course du correcteur.
        (pathlib.Path(private) / "cours" / "course").symlink_to(course_directory())
        return str(pathlib.Path(private) / "travail")

    def wrap(self, command, shared, identity=None, kernel=True):
        """La commande ``command`` (liste) lancée dans le bac à sable ; ``shared`` : le dossier
        des sockets IPC et du fichier de connexion, visible au même chemin des deux côtés ;
        ``identity`` : ``(uid, gid)`` vus du bac à sable (par défaut ceux de l'utilisateur) ;
        ``kernel`` : la commande est celle d'une copie (limite de processus posée dans le bac à
        sable ; pas pour le modèle de noyaux, qui la pose dans chaque copie).

        Appelée par le correcteur avant chaque lancement : efface les groupes de contrôle des
        copies terminées de ce processus."""
        sweep_groups()
        if self.mode == "minimal":
            return list(command)
        user = []
        if identity is not None:
            user = ["--unshare-user", "--uid", str(identity[0]), "--gid", str(identity[1])]
        inside = []
        if kernel:
            inside = [sys.executable, "-I", "-S", "-c", NPROC_CODE, str(self.limits.processes)]
        return ["bwrap", *user, *self._bwrap_arguments(shared), "--", *inside, *command]

    def _bwrap_arguments(self, shared):
        disk = str(self.limits.disk)
        args = [
            "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--hostname", "correction", "--clearenv",
            "--proc", "/proc", "--dev", "/dev",
        ]
        # Les tmpfs d'abord : un cours installé sous /tmp ou /home reste visible par-dessus.
        for path in (WORKDIR, HOME, "/tmp"):
            args += ["--size", disk, "--tmpfs", path]
        for top in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
            path = pathlib.Path("/") / top
            if path.is_symlink():
                args += ["--symlink", os.readlink(path), str(path)]
            elif path.is_dir():
                args += ["--ro-bind", str(path), str(path)]
        args += ["--ro-bind", "/usr", "/usr"]
        for name in ETC_FILES:
            args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
        for path in self._read_only_paths():
            args += ["--ro-bind", path, path]
        args += ["--ro-bind", course_directory(), f"{COURSE}/course"]
        if self.data:
            args += ["--ro-bind", str(self.data), DATA]
        args += ["--bind", str(shared), str(shared), "--chdir", WORKDIR]
        for name, value in self.environment().items():
            args += ["--setenv", name, value]
        return args

    @staticmethod
    def _read_only_paths():
        """L'installation Python et l'environnement du cours (chemins réels et chemins par lesquels
        on les atteint), sans doublon ni chemin déjà sous /usr. Le paquet ``course`` est monté à
        part, en ``/cours/course``."""
        candidates = [sys.base_prefix, os.path.realpath(sys.base_prefix), sys.prefix,
                      os.path.realpath(sys.prefix)]
        kept = []
        for path in sorted(set(candidates), key=len):
            if path.startswith("/usr/") or any(path.startswith(k + "/") or path == k for k in kept):
                continue
            kept.append(path)
        return kept

    def limit_resources(self):
        """À appeler dans le processus du noyau avant ``exec`` : mémoire virtuelle, fichiers core,
        temps de processeur, groupe de contrôle neuf (processus et processeur de la copie) et
        (Linux) mort avec le correcteur qui l'a lancé, pour l'isolement minimal aussi."""
        grader = os.getppid()
        die_with_parent(grader)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if sys.platform.startswith("linux"):
            resource.setrlimit(resource.RLIMIT_AS, (self.limits.memory, self.limits.memory))
            resource.setrlimit(resource.RLIMIT_CPU, (self.limits.cpu_seconds, self.limits.cpu_seconds))
            with contextlib.suppress(OSError):  # sans groupe, la surveillance de la mémoire reste
                group = CopyGroup.create(grader, os.getpid(), self.limits)
                if group is not None:
                    group.add(os.getpid())


MINIMAL_WARNING = (
    "les copies s'exécutent sans bac à sable : elles gardent le réseau et peuvent lire les "
    "fichiers de l'utilisateur (HOME, dossier de travail et TMPDIR privés, limites de temps et de "
    "mémoire appliqués). Pour l'isolement complet, corrigez sous Linux avec bubblewrap."
)
