"""Le flux complet : collecter, préparer, exécuter en parallèle, enregistrer, rendre compte.

``grade_class`` est la commande ``corriger`` de l'enseignant ; ``self_assess`` la commande
``auto-evaluer`` de l'étudiant seul (mêmes étapes, sur une copie du cours jetable).
"""

import dataclasses
import os
import pathlib
import shutil
import tempfile

import nbformat
from tqdm import tqdm

from . import record, report
from .collect import collect
from .sandbox import Limits, Sandbox
from .workers import LocalWorkers, Task


@dataclasses.dataclass
class Options:
    """Réglages d'une correction (valeurs par défaut : celles de la ligne de commande)."""

    root: pathlib.Path = pathlib.Path(".")
    base: str | None = None            # carnet : chemin SQLite ou URL SQLAlchemy
    workers: int = os.cpu_count() or 1
    isolation: str = "auto"           # auto, bwrap ou minimal
    limits: Limits = Limits()
    output: pathlib.Path | None = None  # dossier des rapports (défaut : rapports/<devoir>)
    progress: bool = True


def source_grade_ids(root, assignment):
    """Les grade_id du notebook source, dans l'ordre."""
    nb = nbformat.read(pathlib.Path(root, "source", assignment, f"{assignment}.ipynb"), as_version=4)
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade_id")]


def status_of(state):
    """Le statut français d'une copie, d'après son état enregistré."""
    if state.get("problem"):
        return state["problem"]
    events = state.get("events") or []
    return "notée" + (" ; " + " ; ".join(dict.fromkeys(events)) if events else "")


def grade_class(assignment, copies, options=Options(), backend=None, say=print):
    """Corrige toutes les copies de ``copies`` pour ``assignment`` ; renvoie ``(lignes, chemins des rapports)``."""
    root = pathlib.Path(options.root).resolve()
    sandbox, warning = Sandbox.choose(options.isolation, options.limits)
    backend = backend or LocalWorkers(options.workers)
    say(f"Correction de {assignment} : {backend.describe()}, {sandbox.describe()}.")
    if warning:
        say(f"ATTENTION : {warning}")
    db_url = record.database_url(options.base, root)
    record.ensure_assignment(db_url, assignment, root)
    order = source_grade_ids(root, assignment)
    collection = collect(assignment, copies, set(order))
    for note in collection.ignored:
        say(f"  {note}")
    store = record.Store(root, assignment)
    output = pathlib.Path(options.output or root / "rapports" / assignment)
    states, tasks, people = {}, [], {}
    for sub in collection.submissions:
        people[sub.student] = sub
        if sub.problem is None:
            states[sub.student] = store.done(sub.student, sub.notebook)
            if states[sub.student]:
                continue
            try:
                tasks.append(Task(sub.student, record.prepare(db_url, assignment, sub.student, sub.notebook),
                                  dataclasses.asdict(options.limits), sandbox.mode))
                continue
            except ValueError as error:
                sub.problem = str(error)
        record.save(db_url, assignment, sub.student, None, sub.name)
        states[sub.student] = {"problem": sub.problem, "graded": False}
        _keep_refused(output, sub)
    if len(tasks) < len(collection.submissions):
        say(f"  {len(collection.submissions) - len(tasks)} copie(s) déjà corrigée(s) ou non corrigeable(s), "
            f"{len(tasks)} à corriger.")
    results = backend.run(tasks)
    for result in tqdm(results, total=len(tasks), desc="copies", unit="copie", disable=not options.progress):
        sub = people[result["student"]]
        if "error" in result:
            states[sub.student] = {"problem": f"erreur du correcteur : {result['error']}", "graded": False}
            say(f"  {sub.student} : erreur du correcteur ({result['error']}) ; relancez pour réessayer.")
            continue
        record.save(db_url, assignment, sub.student, result["notebook"], sub.name)
        state = {"graded": True, "events": result["events"], "tampering": result["tampering"],
                 "seconds": result["seconds"], "peak_memory": result["peak_memory"]}
        store.write(sub.student, sub.notebook, state, result["notebook"], result["feedback_html"])
        states[sub.student] = state
    cells = [report.Cell(grade_id, points) for grade_id, points in record.grade_cells(db_url, assignment, order)]
    rows = []
    for student, state in sorted(states.items()):
        sub = people[student]
        grades = record.scores(db_url, assignment, student) if state.get("graded") else {}
        rows.append(report.StudentRow(student, grades, status_of(state), bool(state.get("graded")),
                                      state.get("tampering"), sub.name, sub.moodle_id))
    paths = report.write_all(output, assignment, cells, rows)
    say(report.summary_text(assignment, cells, rows))
    say(f"Rapports : {', '.join(str(p) for p in paths.values())}")
    say(f"Retours : {root / 'feedback'}/<étudiant>/{assignment}/{assignment}.html")
    return rows, paths


def _keep_refused(output, sub):
    """Garde les octets d'une copie refusée dans ``<rapports>/copies_refusees/`` (rien n'est perdu)."""
    if sub.notebook:
        folder = output / "copies_refusees"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{sub.student}.ipynb").write_bytes(sub.notebook)


def functions_of(grade_ids):
    """``{fonction: [grade_id des cellules de test]}`` d'après le contrat (test_<fonction>…)."""
    solutions = [g for g in grade_ids if not g.startswith("test_")]
    tests = [g for g in grade_ids if g.startswith("test_")]
    grouped = {}
    for name in sorted(solutions, key=len, reverse=True):
        grouped[name] = [t for t in tests if t.startswith(f"test_{name}")]
        tests = [t for t in tests if t not in grouped[name]]
    return {name: grouped[name] for name in solutions if grouped[name]}


def self_assess(notebook, course_root, options=Options(), say=print):
    """Note ``notebook`` (une copie d'étudiant) avec les tests cachés du cours, sans carnet partagé.

    Écrit la page de retour à côté du notebook (``<nom>_retour.html``) ; renvoie
    ``{fonction: (points, points max)}``.
    """
    from .execute import grade_notebook  # noqa: PLC0415

    notebook = pathlib.Path(notebook).resolve()
    course_root = pathlib.Path(course_root).resolve()
    assignment = notebook.stem
    if not (course_root / "source" / assignment / f"{assignment}.ipynb").is_file():
        raise ValueError(f"{notebook.name} ne correspond à aucun devoir du cours (source/{assignment} absent).")
    sandbox, warning = Sandbox.choose(options.isolation, options.limits)
    say(f"Auto-évaluation de {notebook.name} : {sandbox.describe()}.")
    if warning:
        say(f"ATTENTION : {warning}")
    with tempfile.TemporaryDirectory(prefix="auto-evaluation-") as temporary:
        course = pathlib.Path(temporary)
        shutil.copy(course_root / "nbgrader_config.py", course)
        shutil.copytree(course_root / "autograder", course / "autograder",
                        ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(course_root / "source" / assignment, course / "source" / assignment)
        db_url = record.database_url(None, course)
        record.ensure_assignment(db_url, assignment, course)
        prepared = record.prepare(db_url, assignment, "moi", notebook.read_bytes())
        graded = grade_notebook(prepared, options.limits, sandbox.mode)
    feedback = notebook.with_name(f"{assignment}_retour.html")
    feedback.write_text(graded.feedback_html, encoding="utf-8")
    order = list(graded.grades)
    per_function = {}
    for function, tests in functions_of(order).items():
        per_function[function] = (sum(graded.grades[t][0] for t in tests), sum(graded.grades[t][1] for t in tests))
    width = max((len(f) for f in per_function), default=10)
    for function, (points, maximum) in per_function.items():
        mark = "réussi" if points == maximum else "à revoir"
        say(f"  {function:<{width}}  {points:g} / {maximum:g}  {mark}")
    total = sum(p for p, _ in graded.grades.values())
    maximum = sum(m for _, m in graded.grades.values())
    say(f"Total : {total:g} / {maximum:g}")
    for event in graded.events:
        say(f"  ! {event}")
    if graded.tampering:
        say(f"  ! à vérifier : {graded.tampering} (un enseignant ne donnerait pas ces points sans vérifier)")
    say(f"Retour détaillé : {feedback}")
    return per_function
