"""Un vrai serveur PostgreSQL jetable pour les tests (binaires Debian du paquet ``postgresql``).

``postgres_server`` (fixture, une par module) : ``initdb`` dans un dossier temporaire, serveur
lancé par ``pg_ctl`` qui n'écoute que sur 127.0.0.1, sur un port libre, authentification
``trust``, et une base ``notes`` ; donne un ``PostgresServer`` (``.url`` : l'URL SQLAlchemy de
``notes``, ``create_database(nom)`` pour d'autres bases) ; arrête le serveur et efface tout à la
fin. ``postgres_url`` donne directement l'URL de ``notes``.

PostgreSQL refuse de tourner sous root : en root, le serveur tourne sous l'utilisateur système
``correcteur_pg`` (créé par ``useradd --system`` s'il manque ; ``nobody`` si la création échoue).

Sans les binaires : test sauté (``apt-get install postgresql``), sauf en CI (variable ``CI``) où
le test échoue, pour que ces tests tournent vraiment.
"""

import glob
import os
import pathlib
import pwd
import shutil
import subprocess
import tempfile

import pytest

from paths import component_missing
from support import free_port

SYSTEM_USER = "correcteur_pg"


def binaries():
    """Le dossier des binaires PostgreSQL (la version la plus récente), ou None."""
    found = [pathlib.Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")]
    found = [folder for folder in found if (folder / "initdb").is_file()]
    if not found:
        on_path = shutil.which("pg_ctl")
        if on_path and shutil.which("initdb"):
            return pathlib.Path(on_path).parent
        return None
    return max(found, key=lambda folder: [int(x) for x in folder.parent.name.split(".") if x.isdigit()])



def server_user():
    """L'utilisateur sous lequel tourne le serveur : soi-même, ou, en root, ``correcteur_pg``."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name
    try:
        pwd.getpwnam(SYSTEM_USER)
        return SYSTEM_USER
    except KeyError:
        pass
    created = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SYSTEM_USER],
        capture_output=True, text=True, check=False,
    )
    if created.returncode in (0, 9):  # 9 : existe déjà (créé entre-temps par un autre processus)
        return SYSTEM_USER
    return "nobody"


class PostgresServer:
    """Un serveur lancé dans ``folder`` (données, socket, journal), sous ``user``."""

    def __init__(self, bin_dir, folder, user):
        self.bin, self.folder, self.user = pathlib.Path(bin_dir), pathlib.Path(folder), user
        self.data = self.folder / "donnees"
        self.log = self.folder / "serveur.log"
        self.port = None

    def _run(self, *command, check=True):
        """Une commande PostgreSQL, sous l'utilisateur du serveur (``runuser`` quand on est root)."""
        prefix = ["runuser", "-u", self.user, "--"] if os.geteuid() == 0 else []
        result = subprocess.run([*prefix, *map(str, command)], capture_output=True, text=True,
                                timeout=120, cwd=self.folder, check=False)
        if check and result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(map(str, command))} a échoué ({result.returncode}) :\n"
                               f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}\n{log}")
        return result

    def start(self):
        if os.geteuid() == 0:
            uid = pwd.getpwnam(self.user).pw_uid
            os.chown(self.folder, uid, -1)
        os.chmod(self.folder, 0o700)
        self._run(self.bin / "initdb", "-D", self.data, "-U", self.user, "--auth=trust",
                  "--encoding=UTF8", "--no-locale", "--no-sync")
        for attempt in range(5):  # un port libre peut être pris entre-temps : on en reprend un
            self.port = free_port()
            options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
            started = self._run(self.bin / "pg_ctl", "start", "-w", "-t", "60", "-D", self.data,
                                "-l", self.log, "-o", options, check=attempt == 4)
            if started.returncode == 0:
                break
        self.create_database("notes")
        return self

    def create_database(self, name):
        """Crée la base ``name`` ; renvoie son URL SQLAlchemy (pilote psycopg 3)."""
        self._run(self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", self.user, name)
        return self.url_of(name)

    def url_of(self, name):
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{name}"

    @property
    def url(self):
        return self.url_of("notes")

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            self._run(self.bin / "pg_ctl", "stop", "-D", self.data, "-m", "immediate", "-w", check=False)


@pytest.fixture(scope="module")
def postgres_server():
    bin_dir = binaries()
    if bin_dir is None:
        component_missing("PostgreSQL absent : apt-get install postgresql")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        component_missing("runuser absent : impossible de lancer PostgreSQL sans root")
    folder = tempfile.mkdtemp(prefix="pg-notes-")  # sous /tmp : accessible à l'utilisateur du serveur
    server = PostgresServer(bin_dir, folder, server_user())
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres_url(postgres_server):
    return postgres_server.url
