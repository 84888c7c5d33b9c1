"""Étape 4 : le carnet de notes nbgrader et les fichiers de la correction.

Tout passe par l'API de nbgrader (``Gradebook``, ses préprocesseurs) ; seul le processus de
l'enseignant touche au carnet (les travailleurs ne le voient jamais) :

- ``ensure_assignment`` : le devoir et ses cellules notées dans le carnet (``nbgrader
  generate_assignment`` s'il n'y est pas encore) ;
- ``prepare`` : la copie telle que ``nbgrader autograde`` la prépare avant de l'exécuter (sorties
  effacées, cellules de test et verrouillées remises d'après leurs sommes de contrôle, cellules
  de test supprimées rajoutées, noyau imposé, tests cachés réinsérés), après avoir réparé ses
  accidents de structure (cellules dupliquées, coupées, fusionnées, déplacées, de type changé,
  métadonnées effacées ou modifiées : voir « Les accidents de structure ») ;
- ``save`` : les points d'une copie exécutée (``SaveAutoGrades``), ou zéro partout pour une copie
  qui n'a pas pu être notée (comme nbgrader pour un notebook absent) ;
- ``Store`` : les fichiers ``submitted/``, ``autograded/``, ``feedback/`` du cours, et l'état de
  chaque copie corrigée (``autograded/<étudiant>/<devoir>/correction.json``), qui permet de
  reprendre une correction interrompue sans refaire ce qui est fait.
"""

import ast
import contextlib
import copy
import dataclasses
import hashlib
import itertools
import json
import os
import pathlib
import re
import subprocess
import sys
import warnings
from collections.abc import Sequence

import nbformat
from IPython.core.inputtransformer2 import TransformerManager
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning
from nbgrader.preprocessors import (
    CheckCellMetadata, ClearHiddenTests, ClearOutput, OverwriteCells, OverwriteKernelspec, SaveAutoGrades,
)

from .executables import put_environment_first

STATE = "correction.json"
CELL_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # identifiant de cellule valide (nbformat 4.5)


def gradebook_url(base, root):
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
        env=put_environment_first(dict(os.environ)),  # nbgrader lance alembic par son nom
    )
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment {assignment} a échoué :\n{result.stderr[-2000:]}")


def _resources(db_url, assignment, student):
    return {"nbgrader": {"db_url": db_url, "assignment": assignment, "notebook": assignment,
                         "student": student}}


def prepare(db_url: str, assignment: str, student: str, notebook_bytes: bytes,
            order: Sequence[str] = ()) -> tuple[str, list[str]]:
    """La copie prête à exécuter (texte JSON) et la liste des réparations faites (français).

    Comme ``nbgrader autograde`` (sorties effacées, noyau imposé, cellules verrouillées et de test
    remises d'après le carnet, tests cachés réinsérés), mais un accident de structure ne fait
    jamais refuser une copie : elle est d'abord remise dans la forme du devoir (voir
    ``_restructure``), chaque réparation dite dans la liste renvoyée (vide pour une copie intacte,
    qui est alors préparée exactement comme par nbgrader). ``order`` : les grade_id du notebook
    source dans l'ordre (à défaut, l'ordre du carnet).

    Lève ``ValueError`` (français) si aucune cellule notée du devoir n'est reconnue dans la copie.
    """
    try:
        nb = nbformat.reads(notebook_bytes.decode("utf-8", errors="replace"), as_version=4)
        resources = _resources(db_url, assignment, student)
        nb, resources = ClearOutput().preprocess(nb, resources)
        repairs = _restructure(nb, _models(db_url, assignment, order), assignment)
        for step in (OverwriteKernelspec(), OverwriteCells(add_missing_cells=True), CheckCellMetadata()):
            nb, resources = step.preprocess(nb, resources)
    except _Unrecognised as error:
        raise ValueError(str(error)) from error
    except Exception as error:  # noqa: BLE001 (toute autre erreur rend la copie inutilisable)
        raise ValueError("copie refusée par nbgrader : métadonnées des cellules illisibles "
                         f"({type(error).__name__}: {str(error)[:200]})") from error
    return nbformat.writes(nb), repairs


# --- Les accidents de structure -----------------------------------------------------------------
#
# Une copie est ramenée à la suite des cellules de l'enseignant (ordre du notebook source), chacune
# reconnue dans la copie par son grade_id, sinon par son texte distribué :
# - cellule verrouillée ou de test : une seule, texte, type, points et drapeaux repris du carnet
#   (les doubles sont retirés ; une absente est remise) ;
# - cellule réponse : le texte de l'étudiant ; ses doubles identiques ou non remplis sont retirés,
#   ses morceaux consécutifs (cellule coupée) réunis, ses autres versions gardées à leur place comme
#   cellules ordinaires ; sans métadonnées, elle est reconnue à ce qu'elle définit (les noms de
#   l'amorce : ``def normaliser`` …) ;
# - les autres cellules de l'étudiant (les siennes, celles du sujet) restent, dans leur ordre,
#   derrière la cellule du devoir qui les précède dans la copie : du code qui continue une réponse
#   coupée s'exécute donc avant le test qui suit ;
# - une cellule de l'enseignant fusionnée avec une autre en est détachée.
# Les points ne viennent jamais de la copie : ceux du carnet sont écrits dans les métadonnées.

class _Unrecognised(Exception):
    """Aucune cellule notée du devoir dans la copie."""


@dataclasses.dataclass(frozen=True)
class _Model:
    """Une cellule de l'enseignant, telle que le carnet la garde."""

    name: str
    cell_type: str
    locked: bool
    source: str            # texte du carnet (tests cachés compris)
    shown: str             # texte distribué aux étudiants (tests cachés retirés), sans blancs autour
    grade: bool            # cellule notée
    points: float | None   # points max (cellule notée ou tâche)
    solution: bool
    task: bool

    @property
    def label(self):
        kind = ("cellule réponse" if self.solution else "cellule de test" if self.grade
                else "cellule verrouillée")
        return f"{kind} « {self.name} »"

    def metadata(self):
        """Les métadonnées nbgrader de la cellule, comme ``generate_assignment`` les écrit."""
        meta = {"grade": self.grade, "grade_id": self.name, "locked": self.locked,
                "schema_version": 3, "solution": self.solution, "task": self.task}
        if self.points is not None:
            meta["points"] = self.points
        return meta


@dataclasses.dataclass
class _Piece:
    """Une cellule de la copie et la cellule de l'enseignant qu'elle est (None : une autre)."""

    cell: NotebookNode
    model: _Model | None = None
    by_content: bool = False   # reconnue à son texte, pas à son grade_id
    merged: bool = False       # détachée d'une fusion


def _models(db_url, assignment, order):
    """Les cellules de l'enseignant, dans l'ordre ``order`` (puis celui du carnet)."""
    with Gradebook(db_url) as gradebook:
        notebook = gradebook.find_notebook(assignment, assignment)
        points = {c.name: float(c.max_score) for c in [*notebook.grade_cells, *notebook.task_cells]}
        grades = {c.name for c in notebook.grade_cells}
        solutions = {c.name for c in notebook.solution_cells}
        tasks = {c.name for c in notebook.task_cells}
        models = [_Model(c.name, c.cell_type, bool(c.locked), c.source or "", _shown(c.source or ""),
                         c.name in grades, points.get(c.name), c.name in solutions, c.name in tasks)
                  for c in notebook.source_cells]
    rank = {name: index for index, name in enumerate(order)}
    return sorted(models, key=lambda model: rank.get(model.name, len(rank)))


def _shown(source):
    """Le texte distribué d'une cellule du carnet : sans ses tests cachés (``ClearHiddenTests``)."""
    cell = nbformat.v4.new_code_cell(source)
    with contextlib.suppress(RuntimeError):  # marqueurs mal appariés : le texte tel quel
        ClearHiddenTests(enforce_metadata=False).preprocess_cell(cell, {}, 0)
    return cell.source.strip()


def _restructure(nb, models, assignment):
    """Remet ``nb`` dans la forme du devoir ; renvoie les réparations (français, sans doublon)."""
    notes = []
    pieces = _unmerge(_by_grade_id(nb.cells, models, notes), models, notes)
    _by_content(pieces, models)
    if not any(p.model and (p.model.grade or p.model.solution) for p in pieces):
        raise _Unrecognised(f"copie refusée : aucune cellule notée de {assignment} reconnue, ni à ses "
                            "métadonnées nbgrader ni à son texte")
    pieces = _deduplicate(pieces, notes)
    nb.cells = _layout(pieces, models, notes)
    _renumber(nb)
    return list(dict.fromkeys(notes))


def _by_grade_id(cells, models, notes):
    """Chaque cellule, rattachée à la cellule de l'enseignant que nomme son grade_id."""
    known = {model.name: model for model in models}
    pieces = []
    for cell in cells:
        meta = cell.metadata.get("nbgrader")
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        model = known.get(grade_id) if isinstance(grade_id, str) else None
        if model is None and isinstance(meta, dict) and meta.get("grade"):
            notes.append(f"cellule notée inconnue « {grade_id} » : exécutée comme une cellule "
                         "ordinaire, sans points")
        pieces.append(_Piece(cell, model))
    return pieces


def _unmerge(pieces, models, notes):
    """Détache d'une cellule fusionnée le texte d'une cellule verrouillée de l'enseignant : celui
    de la cellule même (test + code de l'étudiant), ou d'une cellule absente de la copie
    (réponse + test)."""
    present = {p.model.name for p in pieces if p.model}
    locked = [m for m in models if m.locked and m.shown]
    done, queue = [], list(pieces)
    while queue:
        piece = queue.pop(0)
        parts = next((p for m in locked if (p := _split(piece, m, present))), None)
        if parts is None:
            done.append(piece)
            continue
        model = next(p.model for p in parts if p.merged)
        present.add(model.name)
        notes.append(f"{model.label} fusionnée avec une autre cellule : séparée")
        queue[:0] = parts
    return done


def _split(piece, model, present):
    """Les morceaux de ``piece`` si elle contient, avec autre chose, le texte de ``model``."""
    if piece.model is not model and (model.name in present or (piece.model and not piece.model.solution)):
        return None
    text = piece.cell.source
    start = text.find(model.shown)
    end = start + len(model.shown)
    if start < 0 or text.strip() in (model.shown, model.source.strip()) or (start and text[start - 1] != "\n") \
            or (end < len(text) and text[end] != "\n"):
        return None
    before, after = text[:start].strip("\n"), text[end:].strip("\n")
    own = piece.model if piece.model is not model else None  # la réponse garde son identité
    parts = [_part(piece.cell, before, own if before.strip() else None),
             _Piece(_fresh(model, model.shown), model, merged=True),
             _part(piece.cell, after, own if not before.strip() else None)]
    return [part for part in parts if part.model is model or part.cell.source.strip()]


def _part(cell, source, model):
    """Un morceau d'une cellule fusionnée (même type), rattaché à ``model`` (ou à rien)."""
    part = copy.deepcopy(cell)
    part.source = source
    part.pop("id", None)
    if model is None:
        part.metadata.pop("nbgrader", None)
    return _Piece(part, model)


def _fresh(model, source):
    """Une cellule neuve de l'enseignant (texte ``source``), sans identifiant."""
    new = nbformat.v4.new_code_cell if model.cell_type == "code" else nbformat.v4.new_markdown_cell
    cell = new(source, metadata={"nbgrader": model.metadata()})
    cell.pop("id", None)
    return cell


def _by_content(pieces, models):
    """Reconnaît les cellules sans grade_id du devoir : une cellule de l'enseignant à son texte
    distribué (métadonnées effacées par un éditeur, cellule recopiée), une réponse absente aux noms
    que définit son amorce."""
    texts = {}
    for model in models:
        for text in {model.shown, model.source.strip()} - {""} if model.locked or model.solution else ():
            texts.setdefault(text, []).append(model)
    for piece in pieces:
        candidates = texts.get(piece.cell.source.strip(), []) if piece.model is None else []
        if len(candidates) == 1:
            piece.model, piece.by_content = candidates[0], True
    found = {p.model.name for p in pieces if p.model}
    for model in models:
        names = _defined(model.shown) if model.solution and model.name not in found else set()
        piece = next((p for p in pieces if names and p.model is None and p.cell.cell_type == "code"
                      and names <= _defined(p.cell.source)), None)
        if piece is not None:
            piece.model, piece.by_content = model, True


def _defined(source):
    """Les noms qu'une cellule de code définit à son premier niveau (fonctions, classes, variables)."""
    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
    return names


def _deduplicate(pieces, notes):
    """Une seule cellule par cellule de l'enseignant (voir le commentaire en tête de section)."""
    groups = {}
    for index, piece in enumerate(pieces):
        if piece.model is not None:
            groups.setdefault(piece.model.name, []).append(index)
    dropped = set()
    for indices in groups.values():
        model = pieces[indices[0]].model
        if model.solution:
            dropped |= _one_answer(pieces, indices, notes)
        elif len(indices) > 1:
            dropped.update(indices[1:])
            notes.append(f"{model.label} en double retirée")
    return [piece for index, piece in enumerate(pieces) if index not in dropped]


def _one_answer(pieces, indices, notes):
    """Les exemplaires d'une cellule réponse : renvoie les indices à retirer (doubles identiques,
    amorces non remplies, morceaux réunis) ; le premier restant est la réponse, les suivants
    deviennent des cellules ordinaires, à leur place."""
    model, seen, kept = pieces[indices[0]].model, set(), []
    for index in indices:
        text = pieces[index].cell.source.strip()
        if text != model.shown and text not in seen:
            kept.append(index)
        seen.add(text)
    kept = kept or indices[:1]
    dropped = set(indices) - set(kept)
    if dropped:
        notes.append(f"{model.label} en double (identique ou non remplie) retirée")
    runs = []
    for index in kept:  # consécutives, aux doubles retirés près : peut-être une cellule coupée
        if runs and set(range(runs[-1][-1] + 1, index)) <= dropped:
            runs[-1].append(index)
        else:
            runs.append([index])
    for run in runs:
        dropped |= _join([pieces[index] for index in run], run[1:], notes)
    dropped |= _mend(pieces, kept[0], dropped, notes)
    others = [index for index in kept[1:] if index not in dropped]
    for index in others:
        pieces[index].model = None
    if others:
        notes.append(f"{model.label} en plusieurs exemplaires : le premier est la réponse, les autres "
                     "exécutés à la suite comme des cellules ordinaires")
    return dropped


def _join(run, rest, notes):
    """Réunit les morceaux ``run`` d'une réponse coupée au milieu d'une instruction (l'un d'eux ne
    se compile pas seul, leur réunion si) ; renvoie les indices ``rest`` des morceaux absorbés."""
    if len(run) < 2 or all(_compiles(p.cell.source) for p in run):
        return set()
    joined = "\n".join(p.cell.source.strip("\n") for p in run)
    if not _compiles(joined):
        return set()
    run[0].cell.source = joined
    notes.append(f"{run[0].model.label} coupée en plusieurs cellules : morceaux réunis")
    return set(rest)


def _mend(pieces, index, dropped, notes):
    """Une réponse qui ne se compile pas seule, réunie à la cellule de code ordinaire voisine
    (avant ou après) avec laquelle elle se compile : une cellule coupée dont un seul morceau a
    gardé les métadonnées. Renvoie l'indice de la voisine absorbée."""
    answer = pieces[index]
    if answer.cell.cell_type != "code" or _compiles(answer.cell.source):
        return set()
    for neighbour, order in ((index - 1, -1), (index + 1, 1)):
        while neighbour in dropped:
            neighbour += order
        if not 0 <= neighbour < len(pieces):
            continue
        other = pieces[neighbour]
        if other.model is not None or other.cell.cell_type != "code":
            continue
        parts = [other.cell.source, answer.cell.source] if order < 0 else [answer.cell.source, other.cell.source]
        joined = "\n".join(part.strip("\n") for part in parts)
        if _compiles(joined):
            answer.cell.source = joined
            notes.append(f"{answer.model.label} coupée en plusieurs cellules : morceaux réunis")
            return {neighbour}
    return set()


def _compiles(source):
    """Le code d'une cellule est-il du Python valide (commandes magiques d'IPython comprises) ?"""
    try:
        ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return False
    return True


def _layout(pieces, models, notes):
    """Les cellules dans l'ordre du devoir : chaque cellule de l'enseignant (celle de la copie, ou
    remise d'après le carnet si elle manque), suivie des cellules ordinaires qui la suivaient dans
    la copie ; celles d'avant la première cellule du devoir restent en tête. Une cellule
    verrouillée sans points remise (en-tête, imports) se place juste après la cellule du devoir qui
    la précède, une cellule notée remise juste avant la suivante."""
    found, following = {}, {}
    leading = current = []
    for piece in pieces:
        if piece.model is None:
            piece.cell.metadata.pop("nbgrader", None)
            current.append(piece.cell)
        else:
            found[piece.model.name] = piece
            current = following[piece.model.name] = []
    order = [model.name for model in models if model.name in found]
    if order != list(found):
        notes.append("cellules du devoir remises dans leur ordre")
    cells, pending = [], leading
    for model in models:
        if model.name in found:
            cells += [*pending, _conform(found[model.name], notes)]
            pending = following[model.name]
        elif model.locked or model.points is not None:
            notes.append(f"{model.label} absente : remise d'après le carnet")
            if model.points is not None:
                cells, pending = cells + pending, []
            cells.append(_fresh(model, model.source))
        elif model.solution:
            notes.append(f"{model.label} introuvable dans la copie")
    return cells + pending


def _conform(piece, notes):
    """La cellule ``piece`` avec le type et les métadonnées nbgrader du carnet (son texte, s'il est
    verrouillé, est remis par ``OverwriteCells``) ; les écarts notables vont dans ``notes``."""
    cell, model = piece.cell, piece.model
    meta = cell.metadata.get("nbgrader")
    if not isinstance(meta, dict):
        cell.metadata["nbgrader"] = {}
        meta = cell.metadata["nbgrader"]  # NotebookNode : le dict est converti en l'affectant
    if piece.by_content:
        notes.append(f"{model.label} reconnue à son contenu (métadonnées nbgrader absentes ou modifiées)")
    elif not piece.merged:
        _compare(meta, model, notes)
        if model.locked and cell.source.strip() not in (model.shown, model.source.strip()):
            notes.append(f"{model.label} modifiée dans la copie : remise d'après le carnet")
    if cell.cell_type != model.cell_type:
        notes.append(f"type de la {model.label} rétabli ({model.cell_type})")
        _set_type(cell, model.cell_type)
    for key, value in model.metadata().items():
        if meta.get(key) != value:  # une copie intacte garde ses métadonnées octet pour octet
            meta[key] = value
    if model.points is None:
        meta.pop("points", None)
    if meta.get("cell_type", model.cell_type) != model.cell_type:
        meta["cell_type"] = model.cell_type
    return cell


def _compare(meta, model, notes):
    """Les métadonnées nbgrader modifiées dans la copie qui changeraient la note (points, nature de
    la cellule) ; les drapeaux de verrouillage, que d'autres éditeurs perdent, ne sont pas notés."""
    try:
        points = float(meta.get("points"))
    except (TypeError, ValueError):
        points = None
    if model.grade and meta.get("grade") and points != model.points:
        notes.append(f"points de la {model.label} modifiés dans la copie ({meta.get('points')}) : "
                     f"ceux du devoir comptent ({model.points:g})")
    if bool(meta.get("grade")) != model.grade or bool(meta.get("solution")) != model.solution:
        notes.append(f"métadonnées nbgrader de la {model.label} modifiées : remises d'après le carnet")


def _set_type(cell, cell_type):
    """Change le type d'une cellule (comme ``OverwriteCells.update_cell_type``, pièces jointes
    d'une cellule de texte comprises)."""
    cell.cell_type = cell_type
    if cell_type == "code":
        cell.pop("attachments", None)
        cell.outputs, cell.execution_count = [], None
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _renumber(nb):
    """Des identifiants de cellule uniques et valides (nbformat 4.5) : ceux de la copie gardés,
    les autres tirés du grade_id ; aucun si la copie n'en a pas (nbformat 4.4 et avant)."""
    if nb.nbformat_minor < 5 and not any("id" in cell for cell in nb.cells):
        return
    taken = set()
    for cell in nb.cells:
        ident = cell.get("id")
        if not isinstance(ident, str) or not CELL_ID.fullmatch(ident) or ident in taken:
            base = re.sub(r"[^A-Za-z0-9_-]", "-", str(cell.metadata.get("nbgrader", {}).get("grade_id")
                                                     or "cellule"))[:50]
            ident = next(f"{base}-{n}" if n else base for n in itertools.count() if
                         (f"{base}-{n}" if n else base) not in taken)
        cell["id"] = ident
        taken.add(ident)


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
