"""Le bac à sable d'une exécution (autograder/isolation/sandbox.py), vérifié de l'intérieur.

Un programme Python lancé dans le bac à sable (comme le noyau d'une copie) rapporte ce qu'il
voit : pas le dépôt (ni source/ ni le carnet), pas le réseau de la machine, l'environnement en
lecture seule, un HOME vide et inscriptible, une limite de mémoire.
"""

import json
import os
import socket
import subprocess
import sys

import pytest

from paths import ROOT, component_missing

sys.path.insert(0, str(ROOT))
from autograder.isolation.sandbox import Limits, Sandbox, bwrap_problem  # noqa: E402

PROBE = r'''
import json, os, socket, sys
report = {"home": os.environ["HOME"], "home_files": os.listdir(os.environ["HOME"]), "cwd": os.getcwd()}
report["sees_source"] = os.path.exists(sys.argv[1] + "/source")
report["sees_tests"] = os.path.exists(sys.argv[1] + "/tests")
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=5)
    report["network"] = "ouvert"
except OSError as error:
    report["network"] = type(error).__name__
for name, path in (("venv", sys.prefix + "/x.pth"), ("home", os.environ["HOME"] + "/f"), ("cwd", "f")):
    try:
        open(path, "w").write("x")
        report["write_" + name] = True
    except OSError:
        report["write_" + name] = False
try:
    bytearray(3 * 2**30)
    report["memory"] = "alloué"
except MemoryError:
    report["memory"] = "MemoryError"
import course.donnees
report["data"] = course.donnees.charger_fashion_mnist()[0][0].shape[0]
print(json.dumps(report))
'''


@pytest.fixture(scope="module")
def inside(tmp_path_factory):
    problem = bwrap_problem()
    if problem:
        component_missing(f"bac à sable indisponible ici : {problem}")
    server = socket.create_server(("127.0.0.1", 0))
    sandbox = Sandbox("bwrap", Limits(memory=2 * 2**30))
    command = sandbox.wrap([sys.executable, "-c", PROBE, str(ROOT), str(server.getsockname()[1])],
                           str(tmp_path_factory.mktemp("ipc")))  # seul dossier partagé, comme un noyau
    result = subprocess.run(command, capture_output=True, text=True, timeout=120,
                            env=sandbox.environment(), preexec_fn=sandbox.limit_resources)
    server.close()
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_repository_is_invisible(inside):
    assert not inside["sees_source"] and not inside["sees_tests"]


def test_host_loopback_is_unreachable(inside):
    assert inside["network"] in ("ConnectionRefusedError", "OSError")


def test_environment_read_only_home_and_workdir_private(inside):
    assert inside["write_venv"] is False
    assert inside["write_home"] is True and inside["home_files"] == []
    assert inside["write_cwd"] is True and inside["cwd"] == "/travail"
    assert not os.path.exists(os.path.join(sys.prefix, "x.pth"))


def test_memory_cap(inside):
    assert inside["memory"] == "MemoryError"


def test_course_data_readable(inside):
    assert inside["data"] == 60000


def test_minimal_mode_says_what_it_does_not_enforce():
    sandbox, warning = Sandbox.choose("minimal")
    assert sandbox.mode == "minimal" and "réseau" in warning and "sans bac à sable" in warning
    assert sandbox.wrap(["python"], "/tmp") == ["python"]
