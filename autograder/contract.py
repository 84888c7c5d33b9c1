"""Le contrat des exercices (``autograder/contrat.toml``), lu par le code.

``contrat.toml`` est la seule source de vérité sur les devoirs du cours : leur ordre, leur titre,
ce qu'ils enseignent, leurs fonctions notées (signature, sens, points), les cellules de réponse du
quiz et la partie interactive. Les tests de structure y comparent les notebooks ; le tableau des
devoirs du README en est tiré ::

    from autograder import contract
    course = contract.load()
    course["04_vae"].points                 # {"echantillonnage": 3, ..., "reponse_q2": 1}
    course["04_vae"].owner("test_divergence_kl_cache")   # "divergence_kl"

    python -m autograder.contract --readme  # imprime le tableau des devoirs du README
"""

import argparse
import ast
import dataclasses
import pathlib
import re
import tomllib

CONTRACT_PATH = pathlib.Path(__file__).with_name("contrat.toml")
ASSIGNMENT_ID = re.compile(r"\d\d_[a-z0-9_]+")
README_HEADER = "| devoir | titre | fonctions notées (points) | total |"


@dataclasses.dataclass(frozen=True)
class Parameter:
    """Un paramètre d'une fonction notée ; ``default`` : le texte Python du défaut, ou None."""

    name: str
    default: str | None = None


@dataclasses.dataclass(frozen=True)
class Function:
    """Une fonction notée : définie dans la cellule solution ``name``, notée par ``test_<name>*``."""

    name: str
    parameters: tuple[Parameter, ...]
    signature: str  # tel qu'écrit dans le contrat, ex. "bruiter(images, facteur, seed=None)"
    meaning: str
    points: int


@dataclasses.dataclass(frozen=True)
class Answer:
    """Une cellule de réponse du quiz (``reponse_q1``…) : une lettre minuscule, notée par ``test_<cell>``.

    ``choices`` et ``answer`` sont vides quand le contrat laisse la formulation à l'auteur du notebook.
    """

    cell: str
    question: str
    points: int
    choices: tuple[str, ...] = ()
    answer: str | None = None


@dataclasses.dataclass(frozen=True)
class Reused:
    """Une fonction notée d'un devoir précédent que ce devoir fait recopier à l'étudiant : sa cellule
    solution (``grade_id`` : son nom) n'a ni test ni points ici ; la version étudiante la laisse vide,
    comme dans le devoir d'origine, sans donner la solution de celui-ci."""

    name: str
    parameters: tuple[Parameter, ...]
    signature: str
    origin: str  # le devoir où elle est notée


@dataclasses.dataclass(frozen=True)
class Assignment:
    """Un devoir nbgrader : ``source/<id>/<id>.ipynb`` et ``release/<id>/<id>.ipynb``."""

    id: str
    title: str  # en français
    learns: str
    interactive: str
    functions: tuple[Function, ...]
    answers: tuple[Answer, ...] = ()
    reused: tuple[Reused, ...] = ()

    @property
    def points(self):
        """``{grade_id de la cellule solution: points}`` : fonctions notées puis réponses du quiz."""
        return {f.name: f.points for f in self.functions} | {a.cell: a.points for a in self.answers}

    @property
    def total(self):
        return sum(self.points.values())

    def function(self, name):
        """La fonction notée ``name`` ; ``KeyError`` si le devoir n'en a pas de ce nom."""
        functions = {f.name: f for f in self.functions}
        if name not in functions:
            raise KeyError(f"{self.id} n'a pas de fonction notée {name!r}")
        return functions[name]

    def owner(self, test_grade_id):
        """Le nom noté (fonction ou réponse) dont ``test_grade_id`` est un test, ou None.

        Une cellule de test note ``f`` si son ``grade_id`` commence par ``test_f`` ; si deux noms
        conviennent (``construire_encodeur`` et ``construire_encodeur_conv``), le plus long l'emporte.
        """
        names = [name for name in self.points if test_grade_id.startswith(f"test_{name}")]
        return max(names, key=len, default=None)


@dataclasses.dataclass(frozen=True)
class Contract:
    """Le contrat entier : conventions (texte) et devoirs dans l'ordre du cours."""

    conventions: dict
    assignments: tuple[Assignment, ...]

    @property
    def ids(self):
        return [a.id for a in self.assignments]

    def __getitem__(self, assignment_id):
        for assignment in self.assignments:
            if assignment.id == assignment_id:
                return assignment
        raise KeyError(f"devoir absent du contrat : {assignment_id!r} (connus : {', '.join(self.ids)})")

    def __contains__(self, assignment_id):
        return assignment_id in self.ids

    def readme_table(self):
        """Le tableau des devoirs du README (Markdown), une ligne par devoir."""
        lines = [README_HEADER, "|---|---|---|---|"]
        for a in self.assignments:
            graded = [f"`{f.name}` ({f.points})" for f in a.functions]
            if a.answers:
                graded.append("quiz " + ", ".join(f"`{q.cell}` ({q.points})" for q in a.answers))
            lines.append(f"| `{a.id}` | {a.title} | {', '.join(graded)} | {a.total} |")
        return "\n".join(lines) + "\n"


def parse_signature(signature):
    """``"bruiter(images, facteur, seed=None)"`` → ``("bruiter", (Parameter("images"), …))``."""
    try:
        (definition,) = ast.parse(f"def {signature}: pass").body
    except SyntaxError as error:
        raise ValueError(f"signature illisible dans le contrat : {signature!r}") from error
    return definition.name, parameters_of(definition)


def parameters_of(definition):
    """Les paramètres positionnels d'un ``ast.FunctionDef``, avec le texte de leurs défauts."""
    arguments = definition.args
    if arguments.vararg or arguments.kwarg or arguments.kwonlyargs or arguments.posonlyargs:
        raise ValueError(f"{definition.name} : seuls des paramètres positionnels simples sont prévus")
    names = [a.arg for a in arguments.args]
    defaults = [None] * (len(names) - len(arguments.defaults)) + [ast.unparse(d) for d in arguments.defaults]
    return tuple(Parameter(n, d) for n, d in zip(names, defaults))


def _points(entry, where):
    points = entry.get("points")
    if not isinstance(points, int) or isinstance(points, bool) or points <= 0:
        raise ValueError(f"{where} : 'points' doit être un entier positif (lu : {points!r})")
    return points


def _function(entry, where):
    name, parameters = parse_signature(entry["signature"])
    return Function(name, parameters, entry["signature"], entry["meaning"], _points(entry, f"{where}/{name}"))


def _answer(entry, where):
    choices, answer = tuple(entry.get("choices", ())), entry.get("answer")
    letters = "abcdefghijklmnopqrstuvwxyz"[: len(choices)]
    if answer is not None and (len(answer) != 1 or answer not in letters):
        raise ValueError(f"{where}/{entry['cell']} : réponse {answer!r} hors des choix ({letters})")
    return Answer(entry["cell"], entry["question"], _points(entry, f"{where}/{entry['cell']}"), choices, answer)


def _assignment(entry):
    where = entry.get("id", "?")
    if not ASSIGNMENT_ID.fullmatch(where):
        raise ValueError(f"identifiant de devoir invalide dans le contrat : {where!r} (attendu : 00_nom)")
    assignment = Assignment(
        id=where, title=entry["title"], learns=entry["learns"], interactive=entry["interactive"],
        functions=tuple(_function(f, where) for f in entry.get("functions", ())),
        answers=tuple(_answer(a, where) for a in entry.get("answers", ())),
        reused=tuple(Reused(*parse_signature(r["signature"]), r["signature"], r["from"])
                     for r in entry.get("reused", ())),
    )
    names = ([f.name for f in assignment.functions] + [a.cell for a in assignment.answers]
             + [r.name for r in assignment.reused])
    if len(names) != len(set(names)):
        raise ValueError(f"{where} : un nom noté apparaît deux fois dans le contrat")
    return assignment


def load(path=CONTRACT_PATH):
    """Lit ``contrat.toml`` ; renvoie un ``Contract`` (devoirs dans l'ordre du cours).

    Lève ``ValueError`` (message en français) si le fichier contredit ses propres règles :
    identifiant mal formé ou en double, signature illisible, points non positifs, réponse hors choix.
    """
    with open(path, "rb") as file:
        data = tomllib.load(file)
    assignments = tuple(_assignment(entry) for entry in data["assignments"])
    ids = [a.id for a in assignments]
    if len(ids) != len(set(ids)):
        raise ValueError(f"devoir en double dans le contrat : {ids}")
    for position, assignment in enumerate(assignments):
        for reused in assignment.reused:
            earlier = {a.id: a for a in assignments[:position]}.get(reused.origin)
            if earlier is None or reused.signature not in [f.signature for f in earlier.functions]:
                raise ValueError(f"{assignment.id}/{reused.name} : {reused.signature} n'est pas une fonction "
                                 f"notée d'un devoir précédent ({reused.origin!r})")
    return Contract(dict(data.get("conventions", {})), assignments)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m autograder.contract",
        description="Le contrat des exercices (autograder/contrat.toml).")
    parser.add_argument("--readme", action="store_true",
                        help="imprime le tableau des devoirs à recopier en tête du README")
    args = parser.parse_args(argv)
    course = load()
    if args.readme:
        print(course.readme_table(), end="")
        return
    for a in course.assignments:
        print(f"{a.id} — {a.title} ({a.total} points)")
        for f in a.functions:
            print(f"    {f.signature} [{f.points}] : {f.meaning}")
        for q in a.answers:
            print(f"    {q.cell} [{q.points}] : {q.question}")


if __name__ == "__main__":
    main()
