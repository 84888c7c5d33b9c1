"""Étape 4 : le carnet de notes nbgrader et les fichiers de la correction.

Tout passe par l'API de nbgrader (``Gradebook``, ses préprocesseurs) ; seul le processus de
l'enseignant touche au carnet (les travailleurs ne le voient jamais) :

- ``ensure_assignment`` : le devoir et ses cellules notées dans le carnet (``nbgrader
  generate_assignment`` s'il n'y est pas encore) ;
- ``prepare`` : la copie telle que ``nbgrader autograde`` la prépare avant de l'exécuter (sorties
  effacées, cellules de test et verrouillées remises d'après leurs sommes de contrôle, cellules
  de test supprimées rajoutées, noyau imposé, tests cachés réinsérés) ;
- ``save`` : les points d'une copie exécutée (``SaveAutoGrades``), ou zéro partout pour une copie
  qui n'a pas pu être notée (comme nbgrader pour un notebook absent) ;
- ``Store`` : les fichiers ``submitted/``, ``autograded/``, ``feedback/`` du cours, et l'état de
  chaque copie corrigée (``autograded/<étudiant>/<devoir>/correction.json``), qui permet de
  reprendre une correction interrompue sans refaire ce qui est fait.
"""

import contextlib
import hashlib
import json
import os
import pathlib
import subprocess
import sys
import warnings

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning
from nbgrader.preprocessors import (
    CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells, OverwriteKernelspec, SaveAutoGrades,
)

STATE = "correction.json"


def database_url(base, root):
    """URL SQLAlchemy du carnet : ``base`` tel quel s'il contient ``://``, sinon un fichier SQLite
    (par défaut ``gradebook.db`` à la racine du cours ``root``)."""
    if base and "://" in base:
        return base
    return f"sqlite:///{pathlib.Path(root, base or 'gradebook.db').resolve()}"


def grade_cells(db_url, assignment, order=()):
    """``[(grade_id, points max)]`` des cellules notées du devoir, dans l'ordre ``order`` (les
    grade_id du notebook source), puis les autres par nom."""
    with Gradebook(db_url) as gradebook:
        notebook = gradebook.find_notebook(assignment, assignment)
        cells = {cell.name: float(cell.max_score) for cell in notebook.grade_cells}
    ordered = [name for name in order if name in cells]
    return [(name, cells[name]) for name in ordered + sorted(set(cells) - set(ordered))]


def ensure_assignment(db_url, assignment, root):
    """Inscrit le devoir dans le carnet s'il n'y est pas (``nbgrader generate_assignment``)."""
    with Gradebook(db_url) as gradebook:
        with contextlib.suppress(MissingEntry):
            if gradebook.find_notebook(assignment, assignment).grade_cells:
                return
    source = pathlib.Path(root, "source", assignment, f"{assignment}.ipynb")
    if not source.is_file():
        raise ValueError(f"Devoir inconnu : {source} n'existe pas (le devoir doit être dans source/).")
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force",
         f"--db={db_url}"],
        cwd=root, capture_output=True, text=True,
        env={**os.environ, "PATH": f"{pathlib.Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment {assignment} a échoué :\n{result.stderr[-2000:]}")


def _resources(db_url, assignment, student):
    return {"nbgrader": {"db_url": db_url, "assignment": assignment, "notebook": assignment,
                         "student": student}}


def prepare(db_url, assignment, student, notebook_bytes):
    """La copie prête à exécuter (texte JSON), préparée par les préprocesseurs de nbgrader.

    Lève ``ValueError`` (français) si nbgrader refuse la copie (métadonnées invalides).
    """
    nb = nbformat.reads(notebook_bytes.decode("utf-8", errors="replace"), as_version=4)
    resources = _resources(db_url, assignment, student)
    steps = (ClearOutput(), DeduplicateIds(), OverwriteKernelspec(),
             OverwriteCells(add_missing_cells=True), CheckCellMetadata())
    try:
        for step in steps:
            nb, resources = step.preprocess(nb, resources)
    except Exception as error:  # noqa: BLE001 (toute erreur de nbgrader rend la copie inutilisable)
        raise ValueError("copie refusée par nbgrader : métadonnées des cellules modifiées ou d'un "
                         f"autre devoir ({type(error).__name__}: {str(error)[:200]})") from error
    return nbformat.writes(nb)


def save(db_url, assignment, student, executed_json=None, name=None):
    """Enregistre une copie dans le carnet : ses points (notebook exécuté) ou zéro partout (None)."""
    with Gradebook(db_url) as gradebook, warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)  # avertissements internes de l'API de nbgrader
        gradebook.update_or_create_student(student, **({"last_name": name} if name else {}))
        gradebook.update_or_create_submission(assignment, student)
        if executed_json is None:
            notebook = gradebook.find_submission_notebook(assignment, assignment, student)
            for grade in notebook.grades:
                grade.auto_score, grade.needs_manual_grade = 0, False
            gradebook.db.commit()
    if executed_json is not None:
        nb = nbformat.reads(executed_json, as_version=4)
        SaveAutoGrades().preprocess(nb, _resources(db_url, assignment, student))


def scores(db_url, assignment, student):
    """``{grade_id: points}`` d'une copie, lus dans le carnet."""
    with Gradebook(db_url) as gradebook:
        notebook = gradebook.find_submission_notebook(assignment, assignment, student)
        return {grade.name: float(grade.score) for grade in notebook.grades}


def fingerprint(data):
    return hashlib.sha256(data or b"").hexdigest()


class Store:
    """Les fichiers d'une correction, aux emplacements de nbgrader, sous la racine du cours."""

    def __init__(self, root, assignment):
        self.root, self.assignment = pathlib.Path(root), assignment

    def _path(self, kind, student, suffix):
        return self.root / kind / student / self.assignment / f"{self.assignment}{suffix}"

    def done(self, student, data):
        """L'état enregistré d'une copie déjà corrigée à l'identique (mêmes octets), sinon None."""
        path = self._path("autograded", student, "").parent / STATE
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return state if state.get("sha256") == fingerprint(data) else None

    def write(self, student, data, state, executed_json=None, feedback_html=None):
        """Écrit la copie reçue, le notebook corrigé, le retour, puis l'état (en dernier : une
        copie n'est « faite » qu'une fois tout écrit)."""
        if data:
            _write(self._path("submitted", student, ".ipynb"), data)
        if executed_json is not None:
            _write(self._path("autograded", student, ".ipynb"), executed_json.encode("utf-8"))
        if feedback_html is not None:
            _write(self._path("feedback", student, ".html"), feedback_html.encode("utf-8"))
        state = {**state, "sha256": fingerprint(data)}
        _write(self._path("autograded", student, "").parent / STATE,
               json.dumps(state, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8"))


def _write(path, data):
    """Écriture atomique (fichier temporaire puis renommage) ; rien à faire si le contenu est déjà là."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        if path.read_bytes() == data:
            return
    temporary = path.with_name(path.name + ".partiel")
    temporary.write_bytes(data)
    os.replace(temporary, path)
