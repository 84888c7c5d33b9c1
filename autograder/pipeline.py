"""Le flux complet : collecter, préparer, exécuter en parallèle, enregistrer, rendre compte.

``grade_class`` est la commande ``corriger`` de l'enseignant ; ``self_assess`` la commande
``auto-evaluer`` de l'étudiant seul (mêmes étapes, sur une copie du cours jetable).
"""

import collections
import dataclasses
import os
import pathlib
import shutil
import tempfile
from collections.abc import Callable
from typing import TYPE_CHECKING

import nbformat
from nbgrader.preprocessors import ClearHiddenTests
from tqdm import tqdm

from . import contract, record, report
from .collect import collect
from .isolation import forkserver
from .isolation.sandbox import Limits, Sandbox
from .workers import LocalWorkers, Task

if TYPE_CHECKING:
    from .cluster import DaskWorkers


@dataclasses.dataclass
class Options:
    """Réglages d'une correction (valeurs par défaut : celles de la ligne de commande)."""

    root: pathlib.Path = pathlib.Path(".")
    base: str | None = None            # carnet : chemin SQLite ou URL SQLAlchemy
    workers: int = os.cpu_count() or 1
    isolation: str = "auto"           # auto, bwrap ou minimal
    limits: Limits = Limits()
    output: pathlib.Path | None = None  # dossier des rapports (défaut : rapports/), un sous-dossier par devoir
    progress: bool = True
    preload: bool = True               # modèle de noyaux préchargé par travailleur (isolation/)
    preflight: bool = True             # la solution de source/ corrigée d'abord (voir grade_class)


def source_grade_ids(root, assignment, graded_only=False):
    """Les grade_id du notebook source, dans l'ordre (seulement ceux des cellules réponses et
    des cellules de test si ``graded_only``)."""
    nb = nbformat.read(pathlib.Path(root, "source", assignment, f"{assignment}.ipynb"), as_version=4)
    meta = [c.metadata.get("nbgrader", {}) for c in nb.cells]
    return [m["grade_id"] for m in meta
            if m.get("grade_id") and (not graded_only or m.get("grade") or m.get("solution"))]


def status_of(state):
    """Le statut français d'une copie, d'après son état enregistré."""
    if state.get("problem"):
        return state["problem"]
    events = state.get("events") or []
    return "notée" + (" ; " + " ; ".join(dict.fromkeys(events)) if events else "")


def assignments_of(root, spec):
    """Les devoirs nommés par ``spec`` : un identifiant, plusieurs séparés par des virgules, ou
    ``tous`` (tous ceux de source/)."""
    known = sorted(p.name for p in pathlib.Path(root, "source").iterdir()
                   if (p / f"{p.name}.ipynb").is_file())
    wanted = known if spec == "tous" else [a.strip() for a in spec.split(",") if a.strip()]
    unknown = [a for a in wanted if a not in known]
    if unknown or not wanted:
        raise ValueError(f"devoir inconnu : {', '.join(unknown) or spec!r} (devoirs de source/ : "
                         f"{', '.join(known)}, ou « tous »)")
    return wanted


# Ce que ``grade_class`` rend pour un devoir : les lignes du tableau des notes, les chemins des rapports.
ClassReports = tuple[list[report.StudentRow], dict[str, pathlib.Path]]


def grade_class(spec: str, copies: str | os.PathLike, options: Options = Options(),
                backend: "LocalWorkers | DaskWorkers | None" = None,
                say: Callable[[str], object] = print) -> dict[str, ClassReports]:
    """Corrige les copies de ``copies`` pour le ou les devoirs ``spec`` (voir ``assignments_of``),
    toutes dans le même groupe de travailleurs ; renvoie ``{devoir: (lignes, chemins des rapports)}``.

    Vérification préalable : la solution de l'enseignant (``source/``) de chaque devoir à corriger
    est préparée comme une copie et corrigée la première, par les mêmes travailleurs (chacun, sur
    une grappe), dans le même bac à sable, pendant que les copies commencent. Rien n'est écrit
    (carnet, copies refusées, fichiers des copies, rapports) avant son retour ; si elle n'a pas
    tous les points, ou une erreur dans une cellule, le reste est arrêté et ``RuntimeError`` dit
    en français quelles cellules ont échoué : un environnement cassé (paquet ``course`` ou données
    introuvables dans le bac à sable, limites trop courtes) mettrait sinon 0 à toute la classe.
    """
    root = pathlib.Path(options.root).resolve()
    assignments = assignments_of(root, spec)
    sandbox, warning = Sandbox.choose(options.isolation, options.limits)
    launch, unavailable = "", None
    if options.preload and sandbox.mode == "bwrap":
        # Essayé ici pour les processus locaux ; chaque travailleur d'une grappe décide pour lui.
        unavailable = forkserver.problem(sandbox) if backend is None else None
        launch = "" if unavailable else ", noyaux dupliqués d'un modèle préchargé par travailleur"
    backend = backend or LocalWorkers(options.workers)
    say(f"Correction de {', '.join(assignments)} : {backend.describe()}, {sandbox.describe()}{launch}.")
    if warning:
        say(f"ATTENTION : {warning}")
    if unavailable:
        say(f"ATTENTION : pas de modèle de noyaux ici ({unavailable}) : chaque noyau est lancé par son "
            "propre bac à sable et importe TensorFlow lui-même (≈ 3 s de plus par notebook).")
    db_url = record.gradebook_url(options.base, root)
    classes, tasks = {}, []
    for assignment in assignments:
        record.ensure_assignment(db_url, assignment, root)
        one = _Class(assignment, root, db_url, options)
        tasks += one.collect(copies, sandbox, say)
        classes[assignment] = one
    waiting = sum(len(c.people) for c in classes.values())
    if len(tasks) < waiting:
        say(f"  {waiting - len(tasks)} copie(s) déjà corrigée(s) ou non corrigeable(s), {len(tasks)} à corriger.")
    # Les devoirs les plus longs d'abord (les derniers du cours), pour finir ensemble.
    tasks.sort(key=lambda task: (task.assignment, task.student), reverse=True)
    checks = preflight_tasks(classes, tasks, backend, sandbox, options) if options.preflight else []

    def write_refused():
        for one in classes.values():
            one.write_refused()
        if checks:
            say(f"Vérification préalable réussie : la solution de l'enseignant a tous les points "
                f"({', '.join(sorted({task.assignment for task in checks}))}).")

    results = after_preflight(backend.run(checks + tasks), len(checks), write_refused)
    without_template = collections.Counter()
    for result in tqdm(results, total=len(tasks), desc="copies", unit="copie", disable=not options.progress):
        classes[result["assignment"]].record(result, say)
        if result.get("fallback") and not unavailable:
            without_template[result["fallback"]] += 1
    for reason, count in without_template.items():
        # Un travailleur (d'une grappe surtout) qui n'a pas pu se servir de son modèle de noyaux.
        say(f"ATTENTION : {count} copie(s) corrigée(s) sans modèle de noyaux ({reason}) : chaque noyau "
            "lancé par son propre bac à sable, même isolement, ≈ 3 s de plus par notebook.")
    return {assignment: one.report(say) for assignment, one in classes.items()}


class _Class:
    """Les copies d'un devoir : leur collecte, leurs résultats, leurs rapports."""

    def __init__(self, assignment, root, db_url, options):
        self.assignment, self.root, self.db_url, self.options = assignment, root, db_url, options
        self.store = record.Store(root, assignment)
        self.output = pathlib.Path(options.output or root / "rapports") / assignment
        self.order = source_grade_ids(root, assignment)
        self.states, self.people = {}, {}
        self.repairs = {}  # étudiant -> réparations de sa copie (record.prepare), en tête de ses évènements

    def collect(self, copies, sandbox, say):
        """Lit les copies, enregistre celles qu'on ne peut pas noter ; renvoie les tâches à faire."""
        collection = collect(self.assignment, copies, set(source_grade_ids(self.root, self.assignment, True)))
        for note in collection.ignored:
            say(f"  {self.assignment} : {note}")
        tasks = []
        for sub in collection.submissions:
            self.people[sub.student] = sub
            if sub.problem is None:
                self.states[sub.student] = self.store.done(sub.student, sub.notebook)
                if self.states[sub.student]:
                    continue
                try:
                    prepared, self.repairs[sub.student] = record.prepare(
                        self.db_url, self.assignment, sub.student, sub.notebook, self.order)
                    tasks.append(Task(self.assignment, sub.student, prepared,
                                      dataclasses.asdict(self.options.limits), sandbox.mode,
                                      self.options.preload))
                    continue
                except ValueError as error:
                    sub.problem = str(error)
            # Écrite par write_refused, après la vérification préalable.
            self.states[sub.student] = {"problem": sub.problem, "graded": False}
        return tasks

    def write_refused(self):
        """Enregistre les copies qu'on ne peut pas noter (zéro partout) et garde leurs octets."""
        for student, state in self.states.items():
            if state and state.get("problem"):
                sub = self.people[student]
                record.save(self.db_url, self.assignment, sub.student, None, sub.name)
                _keep_refused(self.output, sub)

    def record(self, result, say):
        """Enregistre le résultat d'une tâche : carnet, fichiers, état."""
        sub = self.people[result["student"]]
        if "error" in result:
            self.states[sub.student] = {"problem": f"erreur du correcteur : {result['error']}", "graded": False}
            say(f"  {self.assignment}/{sub.student} : erreur du correcteur ({result['error']}) ; "
                "relancez pour réessayer.")
            return
        record.save(self.db_url, self.assignment, sub.student, result["notebook"], sub.name)
        state = {"graded": True, "events": self.repairs.get(sub.student, []) + result["events"],
                 "tampering": result["tampering"],
                 "seconds": result["seconds"], "test_seconds": result["test_seconds"],
                 "peak_memory": result["peak_memory"]}
        self.store.write(sub.student, sub.notebook, state, result["notebook"], result["feedback_html"])
        self.states[sub.student] = state

    def report(self, say):
        """Écrit les rapports du devoir et affiche son résumé ; renvoie ``(lignes, chemins)``."""
        cells = [report.Cell(grade_id, points)
                 for grade_id, points in record.grade_cells(self.db_url, self.assignment, self.order)]
        rows = []
        for student, state in sorted(self.states.items()):
            sub = self.people[student]
            grades = record.scores(self.db_url, self.assignment, student) if state.get("graded") else {}
            rows.append(report.StudentRow(student, grades, status_of(state), bool(state.get("graded")),
                                          state.get("tampering"), sub.name, sub.moodle_id))
        paths = report.write_all(self.output, self.assignment, cells, rows)
        say(report.summary_text(self.assignment, cells, rows))
        say(f"Rapports : {', '.join(str(p) for p in paths.values())}")
        say(f"Retours : {self.root / 'feedback'}/<étudiant>/{self.assignment}/{self.assignment}.html")
        return rows, paths


def _keep_refused(output, sub):
    """Garde les octets d'une copie refusée dans ``<rapports>/copies_refusees/`` (rien n'est perdu)."""
    if sub.notebook:
        folder = output / "copies_refusees"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{sub.student}.ipynb").write_bytes(sub.notebook)


PREFLIGHT_STUDENT = "solution-enseignant"  # nom de la « copie » vérifiée (jamais enregistrée)


def preflight_tasks(classes, tasks, backend, sandbox, options):
    """Les vérifications préalables : pour chaque devoir qui a des copies à corriger, sa solution
    (``source/``) préparée comme une copie, une fois par cible du groupe de travailleurs (chaque
    travailleur d'une grappe). Aucune copie à corriger : rien à vérifier."""
    targets = getattr(backend, "preflight_targets", lambda: [None])()
    checks = []
    for assignment in sorted({task.assignment for task in tasks}, reverse=True):
        one = classes[assignment]
        source = one.root / "source" / assignment / f"{assignment}.ipynb"
        try:
            # Sans ses tests cachés, comme une copie parfaite : la préparation les remet du carnet.
            solution, _ = ClearHiddenTests().preprocess(nbformat.read(source, as_version=4), {})
            prepared, _ = record.prepare(one.db_url, assignment, PREFLIGHT_STUDENT,
                                         nbformat.writes(solution).encode("utf-8"), one.order)
        except (ValueError, RuntimeError) as error:
            raise RuntimeError(f"Vérification préalable impossible pour {assignment} : la solution "
                               f"{source.relative_to(one.root)} est refusée ({error}).") from None
        checks += [Task(assignment, PREFLIGHT_STUDENT, prepared, dataclasses.asdict(options.limits),
                        sandbox.mode, options.preload, preflight=True, worker=target) for target in targets]
    return checks


def after_preflight(results, expected, then):
    """Les résultats des copies, retenus jusqu'au retour des ``expected`` vérifications préalables :
    ``then()`` est appelé quand toutes ont réussi, avant de rendre la première copie. Dès qu'une
    échoue, le reste est arrêté (``results`` fermé) et ``RuntimeError`` dit pourquoi en français."""
    held = []
    try:
        if not expected:
            then()
        for result in results:
            if not result.get("preflight"):
                if expected:
                    held.append(result)
                else:
                    yield result
                continue
            problem = preflight_problem(result)
            if problem:
                raise RuntimeError(problem)
            expected -= 1
            if not expected:
                then()
                yield from held
                held = []
        if expected:
            raise RuntimeError("Vérification préalable sans réponse : la correction s'arrête sans rien écrire.")
    finally:
        results.close()


def preflight_problem(result):
    """Pourquoi la solution corrigée ``result`` (résultat d'une tâche) ne vaut pas tous les points,
    ou a une erreur dans une cellule (texte français, prêt à afficher) ; None si tout va bien."""
    assignment = result["assignment"]
    where = f" sur le travailleur Dask {result['worker']}" if result.get("worker") else ""
    head = (f"Vérification préalable échouée pour {assignment}{where} : la solution de l'enseignant "
            f"(source/{assignment}/{assignment}.ipynb), corrigée comme une copie par les mêmes "
            "travailleurs dans le même bac à sable,")
    tail = ("L'environnement de correction mettrait des notes fausses à toute la classe : rien n'a été "
            "écrit (ni carnet, ni copies, ni rapports). Réparez-le (paquet course, données "
            "Fashion-MNIST, bubblewrap, limites de temps et de mémoire) puis relancez.")
    if where:
        tail = (f"Ce travailleur est refusé : relancez-le dans l'environnement du cours, puis la "
                "commande. " + tail)
    if "error" in result:
        return f"{head} n'a pas pu être exécutée ({result['error']}). {tail}"
    failed = _failed_cells(nbformat.reads(result["notebook"], as_version=4), result["grades"])
    if result.get("tampering"):
        failed.append(f"falsification signalée : {result['tampering']}")
    if not failed:
        return None
    points = sum(p for p, _ in result["grades"].values())
    maximum = sum(m for _, m in result["grades"].values())
    shown = " ; ".join(failed[:6]) + (f" ; … ({len(failed) - 6} de plus)" if len(failed) > 6 else "")
    return f"{head} obtient {points:g} / {maximum:g}. Cellules en échec : {shown}. {tail}"


def _failed_cells(nb, grades):
    """``« cellule » : première ligne de l'erreur`` pour la première cellule en erreur du notebook
    (la cause, le plus souvent) et pour chaque cellule notée sans tous ses points."""
    from .execute import cell_label  # noqa: PLC0415 (nbclient : seulement si une vérification revient)

    failed, first = [], True
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        points, maximum = grades.get(grade_id, (0.0, 0.0))
        line = _first_error_line(cell)
        if (line and first) or points < maximum:
            failed.append(f"{cell_label(cell, index)} : {line or f'{points:g} / {maximum:g} point(s)'}")
            first = first and not line
    return failed


def _first_error_line(cell):
    """La première ligne de la première erreur d'une cellule exécutée (``NomErreur: message``), ou
    de ce qu'elle a écrit sur stderr (nbgrader met 0 à un test qui y écrit) ; None sinon."""
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            text = f"{output.ename}: {output.evalue}" if output.evalue else output.ename
            return text.strip().splitlines()[0][:300]
        if output.output_type == "stream" and output.name == "stderr" and output.text.strip():
            return "sortie d'erreur : " + output.text.strip().splitlines()[0][:300]
    return None


def functions_of(assignment, grade_ids):
    """``{fonction: [grade_id des cellules de test]}`` des cellules notées ``grade_ids`` (dans leur
    ordre) : chaque test va au nom noté dont il est un test d'après le contrat du devoir
    ``assignment`` (``contract.Assignment.owner``)."""
    tests = {g: assignment.owner(g) for g in grade_ids if g.startswith("test_")}
    grouped = {name: [t for t, owner in tests.items() if owner == name]
               for name in grade_ids if not name.startswith("test_")}
    return {name: found for name, found in grouped.items() if found}


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
    try:
        assignment_contract = contract.load()[assignment]  # à qui revient chaque cellule de test
    except KeyError as error:
        raise ValueError(error.args[0]) from None
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
        db_url = record.gradebook_url(None, course)
        record.ensure_assignment(db_url, assignment, course)
        prepared, repairs = record.prepare(db_url, assignment, "moi", notebook.read_bytes(),
                                           source_grade_ids(course, assignment))
        # Un seul notebook : le modèle de noyaux coûterait autant à démarrer qu'il fait gagner.
        # Pas de vérification préalable (voir grade_class) : elle doublerait la durée, rien n'est
        # enregistré, et l'étudiant voit chaque erreur de son environnement dans son retour.
        graded = grade_notebook(prepared, options.limits, sandbox.mode, preload=False, name=assignment)
        order = source_grade_ids(course, assignment, graded_only=True)
    feedback = notebook.with_name(f"{assignment}_retour.html")
    feedback.write_text(graded.feedback_html, encoding="utf-8")
    per_function = {}
    for function, tests in functions_of(assignment_contract, order).items():
        per_function[function] = (sum(graded.grades[t][0] for t in tests), sum(graded.grades[t][1] for t in tests))
    width = max((len(f) for f in per_function), default=10)
    for function, (points, maximum) in per_function.items():
        mark = "réussi" if points == maximum else "à revoir"
        say(f"  {function:<{width}}  {points:g} / {maximum:g}  {mark}")
    total = sum(p for p, _ in graded.grades.values())
    maximum = sum(m for _, m in graded.grades.values())
    say(f"Total : {total:g} / {maximum:g}")
    for event in repairs + graded.events:
        say(f"  ! {event}")
    if graded.tampering:
        say(f"  ! à vérifier : {graded.tampering} (un enseignant ne donnerait pas ces points sans vérifier)")
    say(f"Retour détaillé : {feedback}")
    return per_function
