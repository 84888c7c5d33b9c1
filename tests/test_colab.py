"""La cellule de mise en route de Colab (course/colab.py) : partout la même, muette hors de Colab.

Colab est simulé dans un vrai noyau : un ``google.colab`` de substitution (paquet ``google``
d'espace de noms, qui laisse ``google.protobuf`` à TensorFlow) est importé au démarrage du noyau,
comme le fait le noyau de Colab, et un faux ``pip`` placé devant le vrai (``PYTHONPATH``) note ses
arguments au lieu d'installer. Ni réseau ni installation : la cellule appelle pip avec l'adresse du
dépôt, active le gestionnaire de widgets de Colab et charge Fashion-MNIST (copie locale).
"""

import json
import re

import nbformat
import pytest
from nbclient import NotebookClient

from course import colab
from notebook_text import nbgrader_meta, read
from paths import ROOT, assignments, release_notebook, source_notebook

COLAB_STUB = '''"""google.colab de substitution (tests/test_colab.py) : note les appels."""
'''
OUTPUT_STUB = '''"""google.colab.output de substitution : note chaque appel dans $FAUX_COLAB_JOURNAL."""
import json, os


def enable_custom_widget_manager():
    with open(os.environ["FAUX_COLAB_JOURNAL"], "a", encoding="utf-8") as journal:
        journal.write(json.dumps("enable_custom_widget_manager") + "\\n")
'''
PIP_STUB = '''"""Faux pip (tests/test_colab.py) : note ses arguments dans $FAUX_PIP_JOURNAL, n'installe rien."""
import json, os, sys

with open(os.environ["FAUX_PIP_JOURNAL"], "a", encoding="utf-8") as journal:
    journal.write(json.dumps(sys.argv[1:]) + "\\n")
'''


def colab_cell(path):
    [cell] = [c for c in read(path).cells if nbgrader_meta(c).get("grade_id") == colab.GRADE_ID]
    return cell


@pytest.mark.parametrize("assignment", assignments())
def test_every_notebook_starts_with_the_same_locked_colab_cell(assignment):
    for path in source_notebook(assignment), release_notebook(assignment):
        cells = read(path).cells
        code = [c for c in cells if c.cell_type == "code"]
        assert nbgrader_meta(code[0]).get("grade_id") == colab.GRADE_ID, f"{path} : pas de cellule colab en tête"
        assert nbgrader_meta(code[1]).get("grade_id") == "imports", path
        meta = nbgrader_meta(code[0])
        assert meta["locked"] and not meta["grade"] and not meta["solution"], meta
        assert code[0].source == colab.cellule(), (
            f"{path} : cellule colab périmée : python -m course.colab --notebooks, "
            "puis bash scripts/generer_release.sh")


def test_cell_installs_the_course_before_importing_it():
    # Dans Colab, le paquet du cours n'existe pas avant la cellule : rien ne l'importe avant pip.
    import ast

    tree = ast.parse(colab.cellule())
    [branch] = [node for node in tree.body if isinstance(node, ast.If)]
    assert ast.unparse(branch.test) == "'google.colab' in sys.modules"
    outside = [ast.unparse(node) for node in tree.body if node is not branch]
    assert outside == ["import sys"], outside
    steps = [ast.unparse(node) for node in branch.body]
    pip = next(i for i, step in enumerate(steps) if step.startswith("subprocess.run(") and "'pip'" in step)
    first_course = next(i for i, step in enumerate(steps) if "course" in step and "import" in step)
    assert pip < first_course, steps


def test_readme_links_come_from_the_one_repository_address():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert colab.liste_readme(assignments()) in readme, (
        "liens « Ouvrir dans Colab » du README périmés : python -m course.colab les imprime")
    assert colab.lien("00_prise_en_main") == (
        "https://colab.research.google.com/github/A-REMPLACER/cours-autoencodeurs/blob/main/"
        "release/00_prise_en_main/00_prise_en_main.ipynb")
    assert colab.DEPOT in colab.cellule()
    addresses = set(re.findall(r"https://colab\.research\.google\.com/github/([^/]+/[^/]+)/", readme))
    assert addresses == {colab.DEPOT.removeprefix("https://github.com/")}, addresses


def test_colab_packages_are_pinned_as_in_requirements():
    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        requirement = line.split("#")[0].strip()
        if "==" in requirement:
            name, version = requirement.split("==")
            pins[name.split("[")[0].lower()] = version
    for package in colab.PAQUETS_COLAB:
        name, version = package.split("==")
        assert pins.get(name) == version, f"{package} : requirements.txt épingle {pins.get(name)}"


def run_cell(source, tmp_path, monkeypatch, in_colab):
    """Exécute ``source`` dans un vrai noyau, faux pip devant le vrai, ``google.colab`` de
    substitution importé au démarrage si ``in_colab`` ; renvoie ``(sorties, appels de pip,
    appels de google.colab)``."""
    stubs = tmp_path / "substituts"
    (stubs / "google" / "colab").mkdir(parents=True)  # google sans __init__ : espace de noms
    (stubs / "google" / "colab" / "__init__.py").write_text(COLAB_STUB, encoding="utf-8")
    (stubs / "google" / "colab" / "output.py").write_text(OUTPUT_STUB, encoding="utf-8")
    (stubs / "pip").mkdir()
    (stubs / "pip" / "__init__.py").write_text("", encoding="utf-8")
    (stubs / "pip" / "__main__.py").write_text(PIP_STUB, encoding="utf-8")
    journals = {"FAUX_PIP_JOURNAL": tmp_path / "pip.jsonl", "FAUX_COLAB_JOURNAL": tmp_path / "colab.jsonl"}
    monkeypatch.setenv("PYTHONPATH", str(stubs))
    for name, path in journals.items():
        monkeypatch.setenv(name, str(path))
    check = "import sys\nprint(sorted(m for m in sys.modules if m.startswith('google.colab')))"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source), nbformat.v4.new_code_cell(check)])
    startup = ["--IPKernelApp.exec_lines=import google.colab"] if in_colab else []
    NotebookClient(nb, kernel_name="python3", timeout=180, extra_arguments=startup,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    calls = [[json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
             for path in journals.values()]
    loaded = nb.cells[1].outputs[0].text.strip()
    return nb.cells[0].outputs, loaded, *calls


def test_cell_does_nothing_and_prints_nothing_outside_colab(tmp_path, monkeypatch):
    source = colab_cell(release_notebook("00_prise_en_main")).source
    outputs, loaded, pip_calls, colab_calls = run_cell(source, tmp_path, monkeypatch, in_colab=False)
    assert outputs == []
    assert loaded == "[]", "hors de Colab, la cellule ne doit pas importer google.colab"
    assert pip_calls == [] and colab_calls == []


def test_cell_in_simulated_colab_installs_the_course_enables_widgets_and_loads_the_data(tmp_path, monkeypatch):
    source = colab_cell(release_notebook("02_ae_dense")).source
    outputs, loaded, pip_calls, colab_calls = run_cell(source, tmp_path, monkeypatch, in_colab=True)
    text = "".join(o.get("text", "") for o in outputs)
    assert [o.output_type for o in outputs] == ["stream"] and outputs[0].name == "stdout", outputs
    assert pip_calls == [["install", "--quiet", f"course-autoencodeurs @ git+{colab.DEPOT}@main"],
                         ["install", "--quiet", *colab.PAQUETS_COLAB]], pip_calls
    assert colab_calls == ["enable_custom_widget_manager"]
    assert "Fashion-MNIST chargé (60000 images d'entraînement, 10000 de test)" in text, text
    assert loaded == "['google.colab', 'google.colab.output']"
