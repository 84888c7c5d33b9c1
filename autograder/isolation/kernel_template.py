"""Le modèle de noyaux : programme lancé dans le bac à sable bubblewrap d'un travailleur.

Ce fichier n'est pas importé par le correcteur : ``forkserver.py`` l'envoie, en première ligne de
l'entrée standard, à un ``python -c`` lancé dans le bac à sable (où le paquet ``autograder`` n'est
pas visible). Il n'utilise que la bibliothèque standard et les modules qu'il préimporte. Noms des
processus (``/proc/PID/comm``) : ``modele-noyaux``, puis pour chaque copie ``copie``
(l'intermédiaire), ``init-copie`` et ``noyau-copie``.

Pourquoi : chaque noyau passe ≈ 2,4 s à importer numpy, TensorFlow et Keras et ≈ 0,6 s à démarrer,
soit ≈ 18 s par étudiant pour six devoirs, quand le processeur est déjà occupé (mesuré). Le modèle
importe tout une fois, puis, pour chaque copie, se duplique (``fork``) : le noyau de la copie
démarre avec ces modules déjà chargés.

Protocole (une ligne JSON par message) : le correcteur écrit sur l'entrée standard
``{"argv": [...], "memory": octets, "disk": octets, "shared": dossier, "processes": nombre,
"cpu_seconds": secondes}`` ; le modèle répond sur la
sortie standard ``{"init": pid}`` (le PID, vu du bac à sable, de l'init de la copie) ou
``{"error": texte}``. Au démarrage, il répond ``{"ready": secondes}`` ou ``{"error": texte}``. Fin
de fichier sur l'entrée standard (correcteur arrêté, même par ``kill -9``) : le modèle tue tout ce
qu'il voit (les copies, leurs inits et donc tous leurs processus) et s'arrête ; bubblewrap suit.
Avec l'argument ``essai`` après le dossier partagé, il ne fait que l'essai des espaces de noms
(``self_test``), répond et s'arrête.

Chaque copie reçoit ce que lui donnait un bac à sable neuf :

- espaces de noms utilisateur, montages, PID, IPC, réseau et nom d'hôte neufs, créés sous ceux du
  bac à sable (dont elle garde la vue en lecture seule du système et du cours) ;
- dossier de travail, HOME, /tmp et /dev/shm neufs (tmpfs de taille bornée) : rien de ce qu'une
  copie précédente a écrit n'y est ; du dossier partagé avec le correcteur, elle ne voit que le
  sien ;
- un init (PID 1) et le noyau (PID 2), comme sous bubblewrap ; plus aucune capacité (ensemble
  limitant vidé), pas de fichier core, limite de mémoire virtuelle et de temps de processeur
  (``RLIMIT_CPU``), au plus ``processes`` processus et fils (``RLIMIT_NPROC``, compté par Linux
  dans l'espace de noms utilisateur de la copie ; sans effet quand le correcteur est root : le
  groupe de contrôle où le correcteur place la copie la borne alors) ;
- le modèle est hors de portée : la copie ne le voit pas dans son espace de PID (aucun signal ne
  peut l'atteindre) ; elle est dans un espace de noms utilisateur enfant du sien, et Linux refuse
  ``ptrace`` et la lecture de ``/proc/PID/mem`` ou ``environ`` d'un processus d'un autre espace sans
  ``CAP_SYS_PTRACE`` dans celui-ci (mesuré : « Permission denied ») ; en plus, le modèle n'est pas
  « dumpable ».

La graine du générateur global de numpy est retirée dans chaque copie (Python le fait seul pour
``random``).
"""

import ctypes
import importlib.util
import json
import os
import re
import resource
import signal
import sys
import time

WORKDIR, HOME = "/travail", "/home/etudiant"
PRIVATE = (WORKDIR, HOME, "/tmp", "/dev/shm")  # neufs (tmpfs) pour chaque copie
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 32, 4096, 16384, 1 << 18
MS_RDONLY, MS_NOEXEC, MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 1, 8, 1024, 2048, 1 << 21
PR_SET_NAME, PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 15, 4, 24, 47, 4
CAP_LAST = 63  # au-delà de la dernière capacité connue : prctl renvoie EINVAL, sans effet
LINUX_CAPABILITY_VERSION_3 = 0x20080522

LIBC = ctypes.CDLL(None, use_errno=True)
LIBC.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]


def check(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what} : {os.strerror(error)}")


def mount(source, target, kind, flags, data=None):
    encode = lambda text: None if text is None else text.encode()  # noqa: E731
    check(LIBC.mount(encode(source), encode(target), encode(kind), flags, encode(data)), f"mount {target}")


def set_name(name):
    """Le nom du processus (``ps``, ``/proc/PID/comm``), 15 octets au plus."""
    LIBC.prctl(PR_SET_NAME, name.encode()[:15], 0, 0, 0)


def mount_flags(path):
    """Les options de montage de ``path`` qu'un remontage doit garder (verrouillées sous bwrap)."""
    kept = os.statvfs(path).f_flag
    pairs = ((os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV), (os.ST_NOEXEC, MS_NOEXEC),
             (os.ST_NOATIME, MS_NOATIME), (os.ST_NODIRATIME, MS_NODIRATIME),
             (os.ST_RELATIME, MS_RELATIME))
    return sum(flag for st, flag in pairs if kept & st)


def drop_capabilities():
    """Plus aucune capacité : ensemble limitant vidé (un exec ne les rend pas), ambiant vidé,
    ensembles effectif, permis et héritable vides (capset)."""
    for capability in range(CAP_LAST + 1):
        LIBC.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)
    LIBC.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = (ctypes.c_uint32 * 2)(LINUX_CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()
    check(LIBC.capset(header, data), "capset")


def mounts_below(folders):
    """Les points de montage strictement sous l'un des ``folders`` (les plus hauts seulement : un
    remontage récursif emporte les autres), d'après ``/proc/self/mountinfo``."""
    points = set()
    with open("/proc/self/mountinfo") as mountinfo:
        for line in mountinfo:
            point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split()[4])
            if any(point.startswith(folder.rstrip("/") + "/") for folder in folders):
                points.add(point)
    top = []
    for point in sorted(points, key=len):
        if not any(point.startswith(kept + "/") for kept in top):
            top.append(point)
    return top


def new_namespaces(disk, shared):
    """Dans l'intermédiaire : espaces de noms neufs et dossiers privés neufs (voir le module)."""
    uid, gid = os.getuid(), os.getgid()
    check(LIBC.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS
                       | CLONE_NEWPID), "unshare")
    with open("/proc/self/setgroups", "w") as file:
        file.write("deny")
    with open("/proc/self/uid_map", "w") as file:
        file.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as file:
        file.write(f"{gid} {gid} 1")
    LIBC.sethostname(b"correction", 10)
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    # Les montages du bac à sable qui sont sous un dossier privé (un cours installé sous /tmp ou
    # /home, le dossier partagé sous /tmp) sont remontés par-dessus les tmpfs neufs, comme bwrap
    # le fait pour un noyau lancé seul ; lecture seule gardée.
    covered = [path for path in PRIVATE if os.path.isdir(path)]
    below = [(point, os.open(point, os.O_PATH), os.statvfs(point).f_flag & os.ST_RDONLY)
             for point in mounts_below(covered)]
    keep = os.open(shared, os.O_PATH | os.O_DIRECTORY)
    for path in covered:
        mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={int(disk)},mode=1777")
    for point, fd, read_only in below:
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            os.makedirs(point, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(point), exist_ok=True)
            open(point, "a").close()
        mount(f"/proc/self/fd/{fd}", point, None, MS_BIND | MS_REC)
        if read_only:
            mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | mount_flags(point))
        os.close(fd)
    # Du dossier partagé, la copie ne voit que le sien (les sockets IPC de son noyau).
    parent = os.path.dirname(os.path.normpath(shared))
    os.makedirs(parent, exist_ok=True)
    mount("tmpfs", parent, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
    os.mkdir(shared)
    mount(f"/proc/self/fd/{keep}", shared, None, MS_BIND)
    os.close(keep)
    mount(None, "/dev", None, MS_REMOUNT | MS_BIND | MS_RDONLY | mount_flags("/dev"))


def run_kernel(argv, memory, cpu_seconds=None):
    """Dans le noyau (PID 2 de la copie) : dernières limites, puis ipykernel dans ce processus."""
    set_name("noyau-copie")
    drop_capabilities()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if cpu_seconds:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    os.chdir(WORKDIR)
    null = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, 65536)
    import numpy  # noqa: PLC0415 (déjà importé par le modèle)

    numpy.random.seed()
    import ipykernel.kernelapp  # noqa: PLC0415

    sys.argv = [ipykernel.kernelapp.__file__, *argv]
    sys.path[0] = WORKDIR
    ipykernel.kernelapp.launch_new_instance(argv=argv)
    os._exit(0)


# L'init d'une copie (PID 1) : un Python neuf, sans site ni modules du modèle, pour que sa mémoire
# résidente (≈ 10 Mio au lieu des ≈ 580 Mio partagés du modèle) ne compte pas dans la limite de
# mémoire de la copie (la surveillance additionne l'arbre de l'init). Il récolte les orphelins et
# sort avec le statut du noyau ; sa sortie arrête tout l'espace de PID de la copie.
INIT_PROGRAM = (
    "import os, sys\n"
    "open('/proc/self/comm', 'w').write('init-copie')\n"
    "noyau = int(sys.argv[1])\n"
    "while True:\n"
    "    try:\n"
    "        pid, statut = os.wait()\n"
    "    except ChildProcessError:\n"
    "        os._exit(1)\n"
    "    if pid == noyau:\n"
    "        os._exit(os.waitstatus_to_exitcode(statut) & 255)\n"
)


def spawn(request):
    """Dans le modèle : un intermédiaire (espaces de noms), qui lance l'init, qui lance le noyau.
    Renvoie ``{"init": pid}`` (PID de l'init vu du bac à sable) ou ``{"error": texte}``."""
    report_read, report_write = os.pipe()
    intermediate = os.fork()
    if intermediate == 0:  # l'intermédiaire ne revient jamais ici
        try:
            set_name("copie")
            os.close(report_read)
            null = os.open("/dev/null", os.O_RDWR)
            os.dup2(null, 0)
            os.dup2(null, 1)
            new_namespaces(request["disk"], request["shared"])
            if request.get("processes"):  # compté dans l'espace de noms de la copie seulement
                limit = int(request["processes"])
                resource.setrlimit(resource.RLIMIT_NPROC, (limit, limit))
            init = os.fork()
            if init == 0:
                start_init(report_write, request)
            os.write(report_write, json.dumps({"init": init}).encode())
            os.close(report_write)
            _, status = os.waitpid(init, 0)
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
        except BaseException as error:  # noqa: BLE001 (rapporté au correcteur)
            try:
                os.write(report_write, json.dumps({"error": f"{type(error).__name__}: {error}"}).encode())
            finally:
                os._exit(1)
    os.close(report_write)
    with os.fdopen(report_read, "rb") as report:
        text = report.read()
    try:
        return json.loads(text)
    except ValueError:
        return {"error": f"intermédiaire muet (statut {os.waitpid(intermediate, 0)[1]})"}


def start_init(report_write, request):
    """Dans l'init de la copie (PID 1) : lance le noyau, puis devient ``INIT_PROGRAM`` ; ne revient
    jamais."""
    try:
        os.close(report_write)
        kernel = os.fork()
        if kernel == 0:
            try:
                run_kernel(request["argv"], request["memory"], request.get("cpu_seconds"))
            finally:
                os._exit(1)
        drop_capabilities()
        null = os.open("/dev/null", os.O_RDWR)
        os.dup2(null, 2)
        os.closerange(3, 65536)
        os.execv(sys.executable, [sys.executable, "-I", "-S", "-c", INIT_PROGRAM, str(kernel)])
    finally:
        os._exit(1)


def self_test():
    """Vérifie, dans un enfant jetable, que les espaces de noms d'une copie peuvent être créés ici
    (un noyau Linux ou AppArmor peut refuser les espaces de noms utilisateur imbriqués) et que
    Python, ses chemins d'import et ``course`` y restent visibles."""
    needed = [sys.executable, *(path for path in sys.path if path and os.path.isdir(path))]
    spec = importlib.util.find_spec("course")
    if spec is not None and spec.origin:
        needed.append(spec.origin)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            shared = os.path.join("/tmp", "essai", "copie")
            os.makedirs(shared)
            new_namespaces(2**20, shared)
            missing = [path for path in needed if not os.path.exists(path)]
            os.write(write, f"invisibles dans une copie : {missing}".encode() if missing else b"ok")
        except BaseException as error:  # noqa: BLE001
            os.write(write, f"{type(error).__name__}: {error}".encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as answer:
        text = answer.read().decode()
    os.waitpid(pid, 0)
    if text != "ok":
        raise RuntimeError(f"espaces de noms d'une copie impossibles ({text})")


def preload():
    """Importe ce dont se servent les notebooks et le noyau ; vérifie qu'un seul fil tourne."""
    import course  # noqa: PLC0415,F401 (d'abord : fait taire les journaux de TensorFlow)
    import numpy  # noqa: PLC0415,F401
    import tensorflow  # noqa: PLC0415,F401
    import keras  # noqa: PLC0415,F401
    import matplotlib.pyplot  # noqa: PLC0415,F401
    import ipykernel.kernelapp  # noqa: PLC0415,F401
    import ipykernel.ipkernel  # noqa: PLC0415,F401
    import pkgutil  # noqa: PLC0415

    expected = os.environ.get("PYTHONPATH", "")  # /cours : le paquet course du correcteur
    if expected and not course.__file__.startswith(expected.rstrip("/") + "/course/"):
        raise RuntimeError(f"paquet course importé de {course.__file__} au lieu de {expected}/course")
    for module in pkgutil.iter_modules(course.__path__):
        __import__(f"course.{module.name}")
    threads = len(os.listdir("/proc/self/task"))
    if threads != 1:
        raise RuntimeError(f"{threads} fils après les imports : fork impossible sans risque")


def main():
    start = time.monotonic()
    reply = sys.stdout
    set_name("modele-noyaux")
    trial = sys.argv[2:] == ["essai"]  # seulement l'essai des espaces de noms, sans les imports
    try:
        if not trial:
            preload()
        self_test()
        LIBC.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    except BaseException as error:  # noqa: BLE001 (rapporté au correcteur)
        reply.write(json.dumps({"error": f"{type(error).__name__}: {error}"}) + "\n")
        reply.flush()
        os._exit(1)
    reply.write(json.dumps({"ready": round(time.monotonic() - start, 2)}) + "\n")
    reply.flush()
    if trial:
        os._exit(0)
    for line in sys.stdin:
        while True:  # récolte les intermédiaires terminés
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break
        try:
            answer = spawn(json.loads(line))
        except Exception as error:  # noqa: BLE001
            answer = {"error": f"{type(error).__name__}: {error}"}
        reply.write(json.dumps(answer) + "\n")
        reply.flush()
    # Fin de fichier : le correcteur est parti. Tuer tout ce que le modèle voit (intermédiaires,
    # inits des copies et donc leurs espaces de PID entiers), puis sortir : l'init de bubblewrap,
    # sans plus aucun enfant, sort à son tour.
    os.kill(-1, signal.SIGKILL)
    os._exit(0)


if __name__ == "__main__":
    main()
