"""Collecte des copies d'un devoir : première étape de la correction d'une classe.

``collect(assignment, path, expected_cells)`` lit un dossier ou une archive ``.zip`` (lue en
mémoire, jamais extraite sur le disque) et renvoie une copie (``Submission``) par étudiant, triée
par identifiant, plus la liste des fichiers ignorés. Trois dispositions sont reconnues, dans cet
ordre :

1. Moodle (« Télécharger tous les travaux remis ») : un dossier par étudiant nommé
   ``<Nom Prénom>_<id>_assignsubmission_file_``. Le notebook est le ``.ipynb`` du dossier (nom
   libre). Identifiant : nom sans accents, en minuscules, espaces → ``_``, suivi de ``_<id>``
   (``Éloïse Dupont-Martin_4242_…`` → ``eloise_dupont-martin_4242``). Les dossiers
   ``_onlinetext_`` sont ignorés. Les fichiers à plat ``<Nom Prénom>_<id>_assignsubmission_file_<x>``
   (Moodle sans « un dossier par travail ») sont acceptés aussi.
2. ``submitted/`` de nbgrader : ``<étudiant>/<devoir>/<devoir>.ipynb`` (les autres fichiers du
   dossier du devoir sont ignorés sans note, nbgrader les autorise).
3. Fichiers à plat : ``<étudiant>_<devoir>.ipynb`` (suffixe comparé sans tenir compte de la casse).

Dans une archive, les fichiers peuvent être à la racine ou dans un dossier englobant unique
(retiré s'il n'est ni un dossier Moodle ni un dossier d'étudiant). ``__MACOSX/``, les fichiers et
dossiers cachés (``.ipynb_checkpoints``…) sont ignorés sans note ; un chemin d'archive contenant
``..`` ou absolu n'est jamais suivi.

Les identifiants d'étudiants sont ramenés à ``[a-z0-9_.-]`` (accents retirés, minuscules,
espaces et apostrophes → ``_``) : deux fichiers qui donnent le même identifiant sont « plusieurs
copies ». Un nom de dossier ou de fichier (``submitted/``, fichiers à plat) qui ne s'y ramène pas
fidèlement (autres caractères, comme ``=1+2``, dont nbgrader ferait un motif de fichiers ou un
tableur une formule ; aucune lettre ni chiffre ; trop long ; préfixe réservé) est refusé : la copie
n'est pas notée mais garde une ligne, sous un identifiant de remplacement ``id_refuse_<empreinte>``
tiré des octets du nom (le même à chaque correction, distinct pour chaque nom), et son statut cite
le nom reçu. Dans un dépôt Moodle, le nom n'est qu'un libellé : l'identifiant de participant rend
l'identifiant unique, il n'est jamais refusé. Un même chemin vu deux fois (entrée en double dans
une archive, noms qui ne diffèrent que par leur forme Unicode) donne « plusieurs copies ».
Une copie inutilisable n'est pas éliminée : elle porte un ``problem`` en français.
"""

import dataclasses
import functools
import hashlib
import json
import os
import pathlib
import re
import unicodedata
import zipfile
import zlib

import nbformat

MAX_BYTES = 50 * 1024 * 1024  # au-delà, un membre n'est pas lu (« fichier trop volumineux »)
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?P<kind>[a-z]+)_(?P<rest>.*)$")
OTHER_ASSIGNMENT = re.compile(r"^.+?_(?P<other>\d+_\w+)\.ipynb$", re.IGNORECASE)
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})
UNREADABLE = "copie illisible : ce n'est pas un notebook JSON"
READ_ERRORS = (OSError, EOFError, RuntimeError, NotImplementedError, zipfile.BadZipFile, zlib.error)
REFUSED = "id_refuse_"  # préfixe des identifiants de remplacement, interdit aux autres
MAX_ID = 128            # longueur maximale d'un identifiant d'étudiant dans le carnet de nbgrader
NAME_PUNCTUATION = " _.-'’"  # ce qu'un identifiant peut contenir en plus des lettres et chiffres


@dataclasses.dataclass
class Submission:
    student: str                  # identifiant nbgrader, sûr pour un chemin ([a-z0-9_.-])
    assignment: str               # le devoir demandé
    notebook: bytes | None        # octets bruts du .ipynb ; None si absent ou inutilisable
    origin: str                   # provenance dans l'entrée, pour les messages
    problem: str | None = None    # pourquoi la copie ne peut pas être notée (français), sinon None
    name: str | None = None       # nom affiché (Moodle), sinon None
    moodle_id: str | None = None  # identifiant de participant Moodle, sinon None


@dataclasses.dataclass
class Collection:
    submissions: list[Submission]  # une par étudiant, triées par identifiant
    ignored: list[str]             # notes en français sur les fichiers ignorés


@dataclasses.dataclass
class _Tree:
    """Fichiers (chemin relatif → (taille, lecteur)) et dossiers d'un dossier ou d'une archive."""
    label: str
    sep: str
    files: dict = dataclasses.field(default_factory=dict)
    dirs: set = dataclasses.field(default_factory=set)
    prefix: tuple = ()
    ignored: list = dataclasses.field(default_factory=list)
    twins: dict = dataclasses.field(default_factory=dict)  # chemin vu plusieurs fois → nombre de fois

    def add(self, parts, entry):
        """Ajoute un fichier ; un chemin déjà vu n'écrase pas le premier, il est compté."""
        if parts in self.files:
            self.twins[parts] = self.twins.get(parts, 1) + 1
        else:
            self.files[parts] = entry

    def origin(self, parts):
        return self.label + self.sep + "/".join(self.prefix + tuple(parts))

    def tops(self):
        return sorted({k[0] for k in self.files} | {d[0] for d in self.dirs})

    def under(self, parts):
        n = len(parts)
        return sorted(k for k in self.files if len(k) > n and k[:n] == tuple(parts))


@dataclasses.dataclass
class _Student:
    origin: str
    name: str | None = None
    moodle_id: str | None = None
    candidates: list = dataclasses.field(default_factory=list)  # (libellé, chemin) des notebooks
    absent: str = ""
    refused: str | None = None  # pourquoi le nom reçu n'a pas pu servir d'identifiant, sinon None


def _student_id(text):
    """Identifiant sûr pour un chemin : ASCII minuscule, ``[a-z0-9_.-]``, jamais vide, caché ni
    commençant par un tiret."""
    text = unicodedata.normalize("NFKD", text.lower().translate(LIGATURES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9_.-]", "_", re.sub(r"\s+", "_", text.strip())).lstrip(".-")
    return text or "_"


def _faithful(char):
    """Un caractère que ``_student_id`` rend fidèlement : lettre ou chiffre qui se ramène à l'ASCII
    (accents, ligatures), espace, ou ponctuation d'un nom."""
    if char in NAME_PUNCTUATION or unicodedata.category(char) == "Zs":
        return True
    base = unicodedata.normalize("NFKD", char.lower().translate(LIGATURES))
    base = "".join(c for c in base if not unicodedata.combining(c))
    return char.isalnum() and base.isascii() and base.isalnum()


def _shown(text, limit=60):
    """Le nom reçu tel qu'on peut l'afficher : caractères invisibles échappés, tronqué."""
    shown = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def _validated(raw):
    """``(identifiant, refus)`` pour le nom d'un dossier ou d'un fichier d'étudiant.

    Accepté, l'identifiant est ``_student_id(raw)`` et le refus ``None``. Refusé, l'identifiant est
    ``id_refuse_<empreinte des octets du nom>`` (stable et propre à ce nom) et le refus dit pourquoi.
    """
    text, sid = raw.strip(), _student_id(raw)
    reasons = []
    if forbidden := sorted({c for c in text if not _faithful(c)}):
        reasons.append("caractères interdits : " + " ".join(_shown(c) for c in forbidden))
    if text[:1] in ("-", ".", "'", "’"):
        reasons.append(f"commence par « {text[0]} »")
    if not any(c.isalnum() for c in sid):
        reasons.append("ni lettre ni chiffre")
    if len(sid) > MAX_ID:
        reasons.append(f"plus de {MAX_ID} caractères")
    if sid.startswith(REFUSED):
        reasons.append(f"préfixe « {REFUSED} » réservé")
    if not reasons:
        return sid, None
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return REFUSED + digest, (
        f"identifiant d'étudiant refusé : « {_shown(raw)} » ({', '.join(reasons)}) ; copie non notée : "
        "renommez son dossier ou son fichier (lettres, chiffres, espaces, _ . - ') et relancez la correction")


def _hidden(name):
    return name.startswith(".") or name == "__MACOSX"


def _dir_tree(root):
    tree = _Tree(root.name, "/")
    for full in root.rglob("*"):
        parts = tuple(unicodedata.normalize("NFC", p) for p in full.relative_to(root).parts)
        if any(_hidden(p) for p in parts):
            continue
        if full.is_dir():
            tree.dirs.add(parts)
        elif full.is_file():
            tree.add(parts, (full.stat().st_size, full.read_bytes))
    return tree


def _zip_tree(archive, label):
    tree = _Tree(label, ":")
    for info in archive.infolist():
        name = info.filename
        if not info.flag_bits & 0x800:  # nom non marqué UTF-8 : souvent de l'UTF-8 lu en cp437
            try:
                name = name.encode("cp437").decode("utf-8")
            except UnicodeError:
                pass
        name = unicodedata.normalize("NFC", name.replace("\\", "/"))
        parts = tuple(p for p in name.split("/") if p not in ("", "."))
        if ".." in parts or name.startswith("/") or ":" in name.split("/")[0]:
            tree.ignored.append(f"fichier ignoré : {label}:{name} (chemin dangereux, jamais suivi)")
            continue
        if not parts or any(_hidden(p) for p in parts):
            continue
        tree.dirs.update(parts[:i] for i in range(1, len(parts)))
        if info.is_dir():
            tree.dirs.add(parts)
        else:
            tree.add(parts, (info.file_size, functools.partial(archive.read, info)))
    return tree


def _unwrap(tree, assignment):
    """Retire les dossiers englobants uniques qui ne sont ni Moodle ni dossier d'étudiant."""
    while True:
        tops = tree.tops()
        if len(tops) != 1:
            return
        top = tops[0]
        if (top,) not in tree.dirs or MOODLE.match(top) or (top, assignment) in tree.dirs:
            return
        tree.files = {k[1:]: v for k, v in tree.files.items()}
        tree.twins = {k[1:]: v for k, v in tree.twins.items()}
        tree.dirs = {d[1:] for d in tree.dirs if len(d) > 1}
        tree.prefix += (top,)


def _note(tree, parts, why):
    kind = "dossier" if tuple(parts) in tree.dirs else "fichier"
    tree.ignored.append(f"{kind} ignoré : {tree.origin(parts)} ({why})")


def _moodle(tree, students):
    for top in tree.tops():
        match = MOODLE.match(top)
        if not match:
            _note(tree, [top], "hors des dossiers Moodle des étudiants")
        elif match["kind"] != "file":
            what = "texte en ligne" if match["kind"] == "onlinetext" else f"dépôt « {match['kind']} »"
            _note(tree, [top], f"{what} Moodle, non noté")
        else:
            name = " ".join(match["name"].split())
            student = students.setdefault(f"{_student_id(name)[:100]}_{match['id']}",
                                          _Student(tree.origin([top]), name, match["id"]))
            paths = tree.under([top]) or ([(top,)] if (top,) in tree.files else [])
            others = []
            for path in paths:
                if path[-1].lower().endswith(".ipynb"):
                    student.candidates.append(("/".join(path[1:]) or path[0], path))
                else:
                    others.append("/".join(path[1:]) or path[0])
                    _note(tree, path, "pas un notebook")
            received = f" (fichiers reçus : {', '.join(others)})" if others else ""
            student.absent = f"copie absente : aucun fichier .ipynb dans le dépôt Moodle{received}"


def _submitted(tree, students, assignment):
    expected = f"{assignment}.ipynb"
    for top in tree.tops():
        if (top, assignment) not in tree.dirs:
            why = f"pas de sous-dossier {assignment}/ : pas un étudiant de ce devoir"
            _note(tree, [top], why if (top,) in tree.dirs else "hors des dossiers d'étudiants")
            continue
        sid, refused = _validated(top)
        student = students.setdefault(sid, _Student(tree.origin([top, assignment]), refused=refused))
        path = (top, assignment, expected)
        if path in tree.files:
            student.candidates.append(("/".join(path), path))
        present = [p[-1] for p in tree.under([top, assignment])]
        student.absent = f"copie absente : aucun fichier {expected}" + (
            f" (fichiers présents : {', '.join(present)})" if present else "")


def _flat(tree, students, assignment):
    suffix = f"_{assignment}.ipynb".lower()
    for path in sorted(tree.files):
        name = path[-1]
        if len(path) > 1:
            _note(tree, path, "dans un sous-dossier : seuls les fichiers à la racine sont lus")
        elif name.lower().endswith(suffix) and len(name) > len(suffix):
            sid, refused = _validated(name[: -len(suffix)])
            student = students.setdefault(sid, _Student(tree.origin(path), refused=refused))
            student.candidates.append((name, path))
        elif (other := OTHER_ASSIGNMENT.match(name)):
            _note(tree, path, f"notebook d'un autre devoir ({other['other']}), pas de {assignment}")
        elif name.lower().endswith(".ipynb"):
            _note(tree, path, f"nom non conforme, attendu : <étudiant>_{assignment}.ipynb")
        else:
            _note(tree, path, "ce n'est pas un notebook .ipynb")


def _check(data, assignment, expected_cells):
    """Renvoie (notebook, problème) pour les octets d'une copie unique."""
    if not data.strip():
        return None, "copie vide : le fichier est vide"
    try:
        text = data.decode("utf-8-sig")
        json.loads(text)
    except UnicodeDecodeError:
        return data, f"{UNREADABLE} (fichier binaire ou encodage non UTF-8)"
    except json.JSONDecodeError as error:
        return data, f"{UNREADABLE} (JSON invalide ligne {error.lineno}, colonne {error.colno})"
    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception as error:  # nbformat lève des erreurs variées sur un JSON qui n'est pas un notebook
        detail = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
        return data, f"{UNREADABLE} (JSON valide mais pas un notebook : {detail})"
    metas = [cell.get("metadata", {}).get("nbgrader") for cell in notebook.cells]
    ids = {m.get("grade_id") for m in metas if isinstance(m, dict)}
    ids = {i for i in ids if isinstance(i, str)}
    if ids & expected_cells or not ids:
        # Sans aucune métadonnée nbgrader (cellules recopiées dans un notebook neuf, outil de
        # nettoyage) : ``record.prepare`` reconnaît les cellules du devoir à leur contenu, ou refuse.
        return data, None
    return data, f"copie d'un autre devoir : aucune cellule notée de {assignment}"


def _submission(tree, sid, student, assignment, expected_cells):
    """La copie d'un étudiant ; un identifiant refusé passe avant tout autre problème."""
    submission = _read(tree, sid, student, assignment, expected_cells)
    if student.refused:
        kept = " (copie gardée dans copies_refusees/)" if submission.notebook else ""
        detail = f" ; {submission.problem}" if submission.problem else ""
        submission.problem = student.refused + kept + detail
    return submission


def _read(tree, sid, student, assignment, expected_cells):
    base = dict(student=sid, assignment=assignment, name=student.name, moodle_id=student.moodle_id)
    if not student.candidates:
        return Submission(notebook=None, origin=student.origin, problem=student.absent, **base)
    if len(student.candidates) > 1 or student.candidates[0][1] in tree.twins:
        twice = {path: f" en {count} exemplaires" for path, count in tree.twins.items()}
        labels = ", ".join(sorted(label + twice.get(path, "") for label, path in student.candidates))
        origins = ", ".join(tree.origin(path) for _, path in student.candidates)
        problem = (f"plusieurs copies pour le même étudiant ({labels}) : aucune notée, "
                   "à départager par l'enseignant")
        return Submission(notebook=None, origin=origins, problem=problem, **base)
    path = student.candidates[0][1]
    size, read = tree.files[path]
    if size > MAX_BYTES:
        problem = f"fichier trop volumineux ({size / 2**20:.0f} Mo, limite {MAX_BYTES // 2**20} Mo), non lu"
        return Submission(notebook=None, origin=tree.origin(path), problem=problem, **base)
    try:
        data = read()
    except READ_ERRORS as error:
        problem = f"copie illisible : fichier endommagé ou illisible ({type(error).__name__} : {error})"
        return Submission(notebook=None, origin=tree.origin(path), problem=problem, **base)
    notebook, problem = _check(data, assignment, expected_cells)
    return Submission(notebook=notebook, origin=tree.origin(path), problem=problem, **base)


def _collect(tree, assignment, expected_cells):
    _unwrap(tree, assignment)
    students = {}
    if any(MOODLE.match(top) for top in tree.tops()):
        _moodle(tree, students)
    elif any((top, assignment) in tree.dirs for top in tree.tops()):
        _submitted(tree, students, assignment)
    else:
        _flat(tree, students, assignment)
    return Collection([_submission(tree, sid, students[sid], assignment, expected_cells)
                       for sid in sorted(students)], tree.ignored)


def collect(assignment: str, path: str | os.PathLike, expected_cells: set[str]) -> Collection:
    """Collecte les copies de ``assignment`` dans le dossier ou l'archive ``path``.

    ``expected_cells`` : les ``grade_id`` nbgrader du notebook du devoir. Lève ``ValueError``
    (message en français) si ``path`` n'existe pas, n'est ni un dossier ni un ``.zip`` lisible.
    """
    path = pathlib.Path(path)
    expected_cells = set(expected_cells)
    if not expected_cells:
        raise ValueError(f"aucune cellule notée connue pour {assignment} : "
                         "copies impossibles à reconnaître")
    if path.is_dir():
        return _collect(_dir_tree(path), assignment, expected_cells)
    if not path.exists():
        raise ValueError(f"chemin introuvable : {path}")
    if not path.is_file() or (path.suffix.lower() != ".zip" and not zipfile.is_zipfile(path)):
        raise ValueError(f"{path} n'est ni un dossier ni une archive .zip : rien à collecter")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ValueError(f"archive .zip illisible ou corrompue : {path} ({error})") from None
    with archive:
        return _collect(_zip_tree(archive, path.name), assignment, expected_cells)
