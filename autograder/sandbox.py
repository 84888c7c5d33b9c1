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
  l'exécuteur), pas de fichier ``core``.

Le noyau parle au correcteur par des sockets IPC (fichiers ZeroMQ) dans un dossier propre à
l'exécution, seul dossier partagé avec l'extérieur. Avec le modèle de noyaux (``forkserver.py``),
ce bac à sable est celui du modèle, et chaque copie y reçoit en plus ses propres espaces de noms et
dossiers privés neufs (``kernel_template.py``).

Sans bubblewrap (macOS, Windows, noyau Linux sans espaces de noms utilisateur), l'isolement est
**minimal** : le noyau tourne avec un environnement vidé, un dossier de travail, un ``HOME`` et un
``TMPDIR`` privés et temporaires, et les mêmes limites de temps et de mémoire ; il garde le réseau
et peut lire ce que l'utilisateur peut lire. La commande le dit en démarrant.
"""

import ctypes
import dataclasses
import os
import pathlib
import resource
import shutil
import signal
import subprocess
import sys

import course

WORKDIR = "/travail"
HOME = "/home/etudiant"
DATA = "/donnees"
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
    conservée par cellule (caractères) et de disque privé (tmpfs du dossier de travail, du HOME, de /tmp)."""

    cell_timeout: int = 120
    notebook_timeout: int = 600
    memory: int = 4 * 2**30
    output_chars: int = 100_000
    disk: int = 256 * 2**20


def data_directory():
    """Le dossier qui contient les fichiers Fashion-MNIST, ou None (les mêmes lieux que
    ``course.donnees``, dans le même ordre)."""
    from course import donnees

    for folder, _ in donnees.dossiers_candidats():
        if (pathlib.Path(folder) / "t10k-labels-idx1-ubyte.gz").is_file():
            return pathlib.Path(folder).resolve()
    return None


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
                  f"notebook, {memory:g} Gio de mémoire")
        if self.mode == "bwrap":
            return ("bac à sable bubblewrap (sans réseau, fichiers du cours en lecture seule, "
                    f"dossier de travail, HOME et /tmp privés), {common}")
        return f"isolement minimal (HOME et TMPDIR privés, réseau et fichiers accessibles), {common}"

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
            env.update(HOME=HOME, TMPDIR="/tmp", MPLCONFIGDIR=f"{HOME}/.matplotlib")
            if self.data:
                env["COURSE_DATA_DIR"] = DATA
        else:
            env.update(HOME=f"{private}/home", TMPDIR=f"{private}/tmp",
                       MPLCONFIGDIR=f"{private}/home/.matplotlib")
            if self.data:
                env["COURSE_DATA_DIR"] = str(self.data)
        return env

    def working_directory(self, private):
        """Le dossier courant du noyau (vu de l'extérieur pour l'isolement minimal)."""
        if self.mode == "bwrap":
            return None  # bwrap change lui-même de dossier (--chdir)
        for name in ("travail", "home", "tmp"):
            (pathlib.Path(private) / name).mkdir(parents=True, exist_ok=True)
        return str(pathlib.Path(private) / "travail")

    def wrap(self, command, shared, identity=None):
        """La commande ``command`` (liste) lancée dans le bac à sable ; ``shared`` : le dossier
        des sockets IPC et du fichier de connexion, visible au même chemin des deux côtés ;
        ``identity`` : ``(uid, gid)`` vus du bac à sable (par défaut ceux de l'utilisateur)."""
        if self.mode == "minimal":
            return list(command)
        user = []
        if identity is not None:
            user = ["--unshare-user", "--uid", str(identity[0]), "--gid", str(identity[1])]
        return ["bwrap", *user, *self._bwrap_arguments(shared), "--", *command]

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
        if self.data:
            args += ["--ro-bind", str(self.data), DATA]
        args += ["--bind", str(shared), str(shared), "--chdir", WORKDIR]
        for name, value in self.environment().items():
            args += ["--setenv", name, value]
        return args

    @staticmethod
    def _read_only_paths():
        """L'installation Python, l'environnement du cours et le paquet ``course`` (chemins réels
        et chemins par lesquels on les atteint), sans doublon ni chemin déjà sous /usr."""
        candidates = [
            sys.base_prefix, os.path.realpath(sys.base_prefix), sys.prefix,
            os.path.realpath(sys.prefix), os.path.dirname(os.path.realpath(course.__file__)),
        ]
        kept = []
        for path in sorted(set(candidates), key=len):
            if path.startswith("/usr/") or any(path.startswith(k + "/") or path == k for k in kept):
                continue
            kept.append(path)
        return kept

    def limit_resources(self):
        """À appeler dans le processus du noyau avant ``exec`` : mémoire virtuelle, fichiers core, et
        (Linux) mort avec le correcteur qui l'a lancé, pour l'isolement minimal aussi."""
        die_with_parent(os.getppid())
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if sys.platform.startswith("linux"):
            resource.setrlimit(resource.RLIMIT_AS, (self.limits.memory, self.limits.memory))


MINIMAL_WARNING = (
    "les copies s'exécutent sans bac à sable : elles gardent le réseau et peuvent lire les "
    "fichiers de l'utilisateur (HOME, dossier de travail et TMPDIR privés, limites de temps et de "
    "mémoire appliqués). Pour l'isolement complet, corrigez sous Linux avec bubblewrap."
)
