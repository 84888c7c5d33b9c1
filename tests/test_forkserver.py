"""Le modèle de noyaux (autograder/isolation/forkserver.py,
autograder/isolation/kernel_template.py), vérifié avec de vrais noyaux dans le vrai bac à sable.

Les copies corrigées par un même modèle se suivent dans le même bac à sable bubblewrap : chacune
doit pourtant recevoir ce que lui donnait un bac à sable neuf. On vérifie de l'intérieur du noyau,
par des cellules de copies, qu'une copie :

- ne retrouve rien de ce qu'une copie précédente a écrit (dossier de travail, HOME, /tmp,
  /dev/shm, /dev, dossier partagé) et ne voit du dossier partagé que le sien ;
- n'a plus aucune capacité ni moyen d'en regagner, tourne en PID 2 sous son propre init ;
- ne peut ni lire la mémoire ou l'environnement du modèle, ni lui envoyer de signal : après une
  copie qui a tout essayé, le même modèle corrige la suivante ;

et que le correcteur retombe sur un bac à sable par noyau quand le modèle ne démarre pas (la
commande le dit au démarrage, d'après ``forkserver.problem``) ou meurt.
"""

import json
import pathlib
import shutil
import sys
import tempfile

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from notebook_text import correct_submission
from paths import ROOT, component_missing, course_copy, nbgrader

sys.path.insert(0, str(ROOT))
from autograder.isolation import forkserver  # noqa: E402
from autograder.execute import grade_notebook  # noqa: E402
from autograder.pipeline import Options, grade_class  # noqa: E402
from autograder.isolation.sandbox import Limits, Sandbox, bwrap_problem  # noqa: E402
from autograder.workers import grade_task  # noqa: E402

LIMITS = Limits(cell_timeout=60)

LEAVE_TRACES = r'''
import os, sys, json
partage = os.path.dirname(sys.argv[sys.argv.index("-f") + 1])
essais = {}
for chemin in ("/travail/trace", os.environ["HOME"] + "/trace", "/tmp/trace", "/dev/shm/trace",
               "/dev/trace", os.path.dirname(partage) + "/trace"):
    try:
        with open(chemin, "w") as fichier:
            fichier.write("copie précédente")
        essais[chemin] = "écrit"
    except OSError as erreur:
        essais[chemin] = type(erreur).__name__
print(json.dumps(essais))
'''

LOOK_AROUND = r'''
import os, sys, json
import numpy as np
partage = os.path.dirname(sys.argv[sys.argv.index("-f") + 1])
etat = dict(l.split(":\t") for l in open("/proc/self/status").read().splitlines() if ":\t" in l)
vu = {
    "traces": [c for c in ("/travail/trace", os.environ["HOME"] + "/trace", "/tmp/trace",
                          "/dev/shm/trace", "/dev/trace", os.path.dirname(partage) + "/trace")
               if os.path.exists(c)],
    "voisins_du_partage": sorted(os.listdir(os.path.dirname(partage))),
    "mon_partage": os.path.basename(partage),
    "pid": os.getpid(),
    "capacites": [etat[k].strip() for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")],
    "no_new_privs": etat["NoNewPrivs"].strip(),
    "hasard": float(np.random.random()),
    "hote": os.uname().nodename,
}
print(json.dumps(vu))
'''

ATTACK_TEMPLATE = r'''
import os, signal, json
resultats = {}
for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
    try:
        nom = open(f"/proc/{pid}/comm").read().strip()
    except OSError:
        continue
    if nom != "modele-noyaux":
        continue
    for fichier in ("mem", "environ", "maps"):
        try:
            open(f"/proc/{pid}/{fichier}", "rb").read(16)
            resultats[fichier] = "lu"
        except OSError as erreur:
            resultats[fichier] = type(erreur).__name__
    resultats["vu"] = pid
# Les PID lus dans /proc sont ceux du bac à sable du modèle ; ici, 1 est l'init de la copie et 2
# la copie elle-même. kill(-1) vise tout ce que la copie peut atteindre, hors elle-même et son init.
for pid in {1, int(resultats.get("vu", 1)), -1} - {os.getpid()}:
    try:
        os.kill(pid, signal.SIGKILL)
        resultats[f"kill {pid}"] = "envoyé"
    except OSError as erreur:
        resultats[f"kill {pid}"] = type(erreur).__name__
print(json.dumps(resultats))
'''


def skip_without_template():
    """Bubblewrap et des espaces de noms utilisateur imbriqués (refusés par certains AppArmor) :
    sans eux le test saute avec la raison (il échoue en CI)."""
    problem = bwrap_problem()
    if problem:
        component_missing(f"bac à sable indisponible ici : {problem}")
    problem = forkserver.problem(Sandbox("bwrap", LIMITS))
    if problem:
        component_missing(f"modèle de noyaux indisponible ici : {problem}")


@pytest.fixture
def server():
    """Le modèle de noyaux de ce processus, neuf pour chaque test et arrêté après."""
    skip_without_template()
    forkserver.stop_all()
    found, reason = forkserver.server_for(Sandbox("bwrap", LIMITS))
    assert found is not None, f"le modèle de noyaux ne démarre pas : {reason}"
    yield found
    forkserver.stop_all()


def run(code):
    """Corrige une copie d'une cellule ; renvoie ce qu'elle a imprimé (JSON lu) et le résultat."""
    nb = new_notebook(cells=[new_code_cell(code)])
    graded = grade_notebook(nbformat.writes(nb), LIMITS, "bwrap")
    cell = nbformat.reads(graded.notebook, as_version=4).cells[0]
    errors = [f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]
    assert errors == [], errors
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    return json.loads(text.strip().splitlines()[-1]), graded


def template_pid(server):
    return [p.pid for p in psutil.Process(server.process.pid).children(recursive=True)
            if p.name() == "modele-noyaux"]


def test_a_copy_finds_nothing_of_the_previous_one(server):
    before = template_pid(server)
    written, _ = run(LEAVE_TRACES)
    # Les dossiers privés sont inscriptibles ; /dev est en lecture seule, le parent du dossier
    # partagé un tmpfs propre à la copie.
    assert [path for path, what in written.items() if what == "écrit" and path.startswith("/dev/trace")] == []
    assert sum(what == "écrit" for what in written.values()) >= 4, written
    first, _ = run(LOOK_AROUND)
    second, _ = run(LOOK_AROUND)
    assert template_pid(server) == before, "les trois copies n'ont pas été dupliquées du même modèle"
    assert first["traces"] == [] and second["traces"] == [], (first["traces"], second["traces"])
    assert first["voisins_du_partage"] == [first["mon_partage"]]
    assert first["pid"] == 2, "le noyau d'une copie est le PID 2, sous son propre init"
    assert first["capacites"] == ["0000000000000000"] * 5
    assert first["no_new_privs"] == "1"
    assert first["hote"] == "correction"
    assert first["hasard"] != second["hasard"], "la graine de numpy est la même dans deux copies"


def test_a_copy_cannot_reach_the_template(server):
    before = template_pid(server)
    seen, _ = run(ATTACK_TEMPLATE)
    assert seen.get("vu"), "le modèle n'est pas visible dans /proc : l'essai n'a rien vérifié"
    assert {seen[f] for f in ("mem", "environ", "maps")} == {"PermissionError"}, seen
    after, graded = run(LOOK_AROUND)
    assert template_pid(server) == before, "le modèle a été tué ou remplacé par une copie"
    assert after["traces"] == []


def test_falls_back_to_one_sandbox_per_kernel(tmp_path, monkeypatch):
    problem = bwrap_problem()
    if problem:
        component_missing(f"bac à sable indisponible ici : {problem}")
    forkserver.stop_all()
    broken = tmp_path / "modele.py"
    broken.write_text('print(\'{"error": "essai de panne"}\', flush=True)\n')
    monkeypatch.setattr(forkserver, "PROGRAM", broken)
    try:
        assert "essai de panne" in forkserver.problem(Sandbox("bwrap", LIMITS))  # dit au démarrage
        found, reason = forkserver.server_for(Sandbox("bwrap", LIMITS))
        assert found is None and "essai de panne" in reason
        seen, graded = run(LOOK_AROUND)  # noyau lancé par son propre bwrap
        assert seen["pid"] == 2 and seen["traces"] == []
        assert "essai de panne" in graded.fallback  # la copie dit pourquoi, au correcteur qui l'attend
    finally:
        forkserver.stop_all()


class InProcess:
    """Un « travailleur » qui corrige dans ce processus-ci, comme le ferait un travailleur Dask
    (la commande n'essaie pas le modèle pour lui) : ici, son modèle est en panne."""

    def describe(self):
        return "ce processus (essai)"

    def run(self, tasks):
        yield from map(grade_task, tasks)


def test_the_command_reports_copies_graded_without_the_template(tmp_path, monkeypatch):
    problem = bwrap_problem()
    if problem:
        component_missing(f"bac à sable indisponible ici : {problem}")
    assignment = "00_prise_en_main"
    (tmp_path / "cours").mkdir()
    course = course_copy(tmp_path / "cours", [assignment])
    nbgrader("generate_assignment", assignment, cwd=course)
    for student in ("alice", "bruno"):
        path = course / "copies" / student / assignment / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(correct_submission(assignment), path)
    forkserver.stop_all()
    broken = tmp_path / "modele.py"
    broken.write_text('print(\'{"error": "essai de panne"}\', flush=True)\n')
    monkeypatch.setattr(forkserver, "PROGRAM", broken)
    said = []
    try:
        grade_class(assignment, course / "copies", Options(root=course, isolation="bwrap", limits=LIMITS,
                                                           progress=False), backend=InProcess(), say=said.append)
    finally:
        forkserver.stop_all()
    warnings = [line for line in said if "sans modèle de noyaux" in line]
    assert len(warnings) == 1 and "2 copie(s)" in warnings[0] and "essai de panne" in warnings[0], said


def test_a_dead_template_is_replaced(server):
    seen, _ = run(LOOK_AROUND)
    for pid in template_pid(server):
        psutil.Process(pid).kill()
    server.process.wait(timeout=10)
    again, _ = run(LOOK_AROUND)
    replacement, _ = forkserver.server_for(Sandbox("bwrap", LIMITS))
    assert replacement is not server and replacement.alive()
    assert again["traces"] == []


def test_sandbox_mounts_under_tmp_stay_visible_and_read_only(monkeypatch):
    """Un cours cloné sous /tmp (une CI le fait) : ses montages en lecture seule sont sous le /tmp
    du bac à sable, que chaque copie remplace par un tmpfs neuf ; ils doivent y être remontés."""
    skip_without_template()
    folder = tempfile.mkdtemp(prefix="cours-sous-tmp-", dir="/tmp")
    pathlib.Path(folder, "lisible.txt").write_text("présent")
    original = Sandbox._read_only_paths
    monkeypatch.setattr(Sandbox, "_read_only_paths", staticmethod(lambda: [*original(), folder]))
    forkserver.stop_all()
    try:
        assert forkserver.server_for(Sandbox("bwrap", LIMITS))[0] is not None
        seen, _ = run(f"""
import json
vu = {{"lu": open("{folder}/lisible.txt").read()}}
try:
    open("{folder}/ecrit.txt", "w")
    vu["ecriture"] = "permise"
except OSError as erreur:
    vu["ecriture"] = type(erreur).__name__
print(json.dumps(vu))
""")
        assert seen == {"lu": "présent", "ecriture": "OSError"}, seen
    finally:
        forkserver.stop_all()
        shutil.rmtree(folder, ignore_errors=True)
