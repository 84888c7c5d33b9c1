"""Rapports de fin de correction d'une classe : ce que lit l'enseignant.

Dernière étape du correcteur de classe. À partir d'une ligne par étudiant (``StudentRow``) et des
cellules notées du devoir (``Cell``), ce module écrit :

- ``notes_<devoir>.csv`` : le détail des points par cellule, le total, le statut et les copies à
  vérifier. Le fichier est déterministe (mêmes données, même ordre ou non : mêmes octets), pour
  qu'on puisse comparer deux corrections ;
- ``moodle_<devoir>.csv`` : la « feuille de notes » à téléverser dans Moodle (« Téléverser la
  feuille de notes »). Une copie suspecte (tests peut-être modifiés) n'y reçoit aucune note : la
  case reste vide et le commentaire dit pourquoi. Une copie non notée (absente, vide…) reçoit 0 ;
- ``resume_<devoir>.txt`` et ``resume_<devoir>.png`` : un résumé chiffré et sa figure (taux de
  réussite par question, histogramme des totaux).

Aucune case de texte des deux CSV (identifiant, nom, statut, commentaire…) ne commence par un
caractère qu'un tableur lirait comme le début d'une formule (injection CSV, recommandation de
l'OWASP) : une apostrophe est ajoutée devant ``=``, ``+``, ``-``, ``@``, tabulation et retour
chariot, et un retour chariot dans une case devient un saut de ligne (case entre guillemets). Les
cases de points restent des nombres.

La figure est construite avec ``matplotlib.figure.Figure`` sans pyplot : le backend d'un notebook
qui importerait ce module n'est pas touché.
"""

import collections
import csv
import dataclasses
import math
import pathlib
import statistics

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


@dataclasses.dataclass
class StudentRow:
    student: str                  # nbgrader student id
    grades: dict[str, float]      # grade_id -> points obtained, for every graded cell (missing key = not graded)
    status: str                   # French status, e.g. "notée", "copie vide : le fichier est vide", "notée ; délai dépassé (cellule acp)"
    graded: bool                  # False when the copy could not be graded at all (problem at collection)
    flagged: str | None = None    # French description of suspected tampering with the tests, e.g. "numpy.allclose remplacée (cellule « normaliser »)"; None if nothing suspicious
    name: str | None = None       # display name (Moodle), else None
    moodle_id: str | None = None  # Moodle participant id, else None


@dataclasses.dataclass
class Cell:
    grade_id: str
    max_points: float


MOODLE_HEADER = ["Identifier", "Full name", "Grade", "Maximum Grade", "Feedback comments"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP, « CSV Injection »


def total(row: StudentRow) -> float:
    """Somme des points obtenus par l'étudiant."""
    return float(sum(row.grades.values()))


def _final_total(row):
    """Total retenu : 0 pour une copie qui n'a pas pu être notée (copie absente = 0)."""
    return total(row) if row.graded else 0.0


def _max_total(cells):
    return float(sum(cell.max_points for cell in cells))


def _points(value):
    """Points avec au plus deux décimales, séparateur point : 3 -> "3", 2.5 -> "2.5", 1/3 -> "0.33"."""
    return f"{round(value, 2) + 0.0:.2f}".rstrip("0").rstrip(".")


def _french(value):
    """Nombre à deux décimales avec la virgule française : 6 -> "6,00"."""
    return f"{value + 0.0:.2f}".replace(".", ",")


def _plural(count, words):
    """« 1 copie notée », « 3 copies notées » (chaque mot prend un s au pluriel)."""
    return f"{count} " + " ".join(word + "s" if count > 1 else word for word in words.split())


def _sorted_rows(rows):
    """Lignes triées par identifiant d'étudiant ; un identifiant en double est une erreur."""
    ordered = sorted(rows, key=lambda row: row.student)
    for before, after in zip(ordered, ordered[1:]):
        if before.student == after.student:
            raise ValueError(f"L'étudiant « {after.student} » apparaît deux fois dans les notes.")
    return ordered


def _is_full(row, cell):
    return row.grades.get(cell.grade_id, 0.0) >= cell.max_points - 1e-9


def _success_rates(cells, rows):
    """Copies notées ayant tous les points, par cellule (dans l'ordre des cellules), et copies notées."""
    graded = [row for row in rows if row.graded]
    return [sum(_is_full(row, cell) for row in graded) for cell in cells], len(graded)


def _text(value):
    """Une case de texte qu'aucun tableur ne prendra pour une formule : apostrophe en tête si elle
    commence par =, +, -, @, une tabulation ou un retour chariot (OWASP). Un retour chariot devient
    un saut de ligne : le module csv met alors la case entre guillemets (il laisse un retour chariot
    seul sans guillemets, et le tableur y commencerait une ligne, donc une case, de plus)."""
    value = "'" + value if value.startswith(FORMULA_START) else value
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _write_csv(path, header, lines):
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(lines)


def write_grades_csv(path, assignment: str, cells: list[Cell], rows: list[StudentRow]) -> None:
    """Écrit le détail des notes : une ligne par étudiant, triée par identifiant."""
    header = ["etudiant", "nom", *(_text(cell.grade_id) for cell in cells),
              "total", "total_max", "statut", "a_verifier"]
    max_total = _points(_max_total(cells))
    lines = []
    for row in _sorted_rows(rows):
        grades = row.grades if row.graded else {}
        points = [_points(grades[cell.grade_id]) if cell.grade_id in grades else ""
                  for cell in cells]
        lines.append([_text(row.student), _text(row.name or ""), *points, _points(_final_total(row)),
                      max_total, _text(row.status), _text(row.flagged or "")])
    _write_csv(path, header, lines)


def write_moodle_csv(path, assignment: str, cells: list[Cell], rows: list[StudentRow]) -> None:
    """Écrit la feuille de notes Moodle ; une copie suspecte n'y a pas de note (case vide)."""
    max_total = f"{_max_total(cells):.2f}"
    lines = []
    for row in _sorted_rows(rows):
        identifier = f"Participant {row.moodle_id}" if row.moodle_id else row.student
        grade = "" if row.flagged else f"{_final_total(row) + 0.0:.2f}"
        comment = row.status
        if row.flagged:
            comment += f" — à vérifier par l'enseignant : {row.flagged}"
        lines.append([_text(identifier), _text(row.name or row.student), grade, max_total, _text(comment)])
    _write_csv(path, MOODLE_HEADER, lines)


def _problem_kind(status):
    """Nature du problème d'une copie non notée : la partie du statut avant « : »."""
    return status.split(" :")[0].strip() or "statut inconnu"


def summary_text(assignment: str, cells: list[Cell], rows: list[StudentRow]) -> str:
    """Résumé de la correction en quelques lignes, en français."""
    rows = _sorted_rows(rows)
    graded = [row for row in rows if row.graded]
    not_graded = [row for row in rows if not row.graded]
    lines = [f"Devoir {assignment} : {_plural(len(rows), 'étudiant')}, "
             f"{_plural(len(graded), 'copie notée')}, "
             f"{len(not_graded)} non notée{'s' if len(not_graded) > 1 else ''}."]
    if not_graded:
        kinds = collections.Counter(_problem_kind(row.status) for row in not_graded)
        ordered = sorted(kinds.items(), key=lambda item: (-item[1], item[0]))
        lines.append("Copies non notées : "
                     + ", ".join(f"{kind} ({count})" for kind, count in ordered) + ".")
    flagged = [row for row in rows if row.flagged]
    if flagged:
        lines.append("Copies à vérifier (tests peut-être modifiés, sans note dans Moodle) : "
                     f"{len(flagged)}")
        for row in flagged:
            who = f"{row.student} ({row.name})" if row.name else row.student
            lines.append(f"  - {who} : {row.flagged}")
    else:
        lines.append("Copies à vérifier : aucune.")
    if not graded:
        lines.append("Aucune copie notée : pas de moyenne ni de taux de réussite.")
        return "\n".join(lines)
    totals = [total(row) for row in graded]
    lines.append(f"Totaux des copies notées (sur {_french(_max_total(cells))}) : "
                 f"moyenne {_french(statistics.mean(totals))}, "
                 f"médiane {_french(statistics.median(totals))}, "
                 f"minimum {_french(min(totals))}, maximum {_french(max(totals))}.")
    full_counts, n_graded = _success_rates(cells, rows)
    lines.append("Réussite par question (copies notées ayant tous les points) :")
    for cell, count in zip(cells, full_counts):
        lines.append(f"  - {cell.grade_id} : {count}/{n_graded} ({round(100 * count / n_graded)} %)")
    return "\n".join(lines)


def summary_figure(path, assignment: str, cells: list[Cell], rows: list[StudentRow]) -> None:
    """Figure PNG : taux de réussite par question et histogramme des totaux des copies notées."""
    full_counts, n_graded = _success_rates(cells, rows)
    totals = [total(row) for row in rows if row.graded]
    max_total = _max_total(cells)
    figure = Figure(figsize=(11, max(4.0, 1.5 + 0.35 * len(cells))), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    bars, histogram = figure.subplots(1, 2)
    figure.suptitle(f"Devoir {assignment} — {_plural(len(rows), 'étudiant')}, "
                    f"{_plural(n_graded, 'copie notée')}")

    rates = [100 * count / n_graded if n_graded else 0.0 for count in full_counts]
    positions = range(len(cells))
    bars.barh(positions, rates, color="tab:green")
    bars.set_yticks(positions, [cell.grade_id for cell in cells])
    bars.invert_yaxis()  # la première question en haut
    bars.set_xlim(0, 100)
    for position, rate in zip(positions, rates if n_graded else []):
        bars.text(min(rate + 1, 88), position, f"{rate:.0f} %", va="center", fontsize=9)
    bars.set_title("Réussite par question")
    bars.set_xlabel("Copies notées ayant tous les points (%)")
    if not cells or not n_graded:
        bars.text(50, 0.5, "aucune copie notée" if cells else "aucune question notée",
                  ha="center", va="center", transform=bars.get_xaxis_transform())

    upper = max(max_total, *totals, 1.0)
    width = math.ceil(upper / 20)  # au plus une vingtaine de classes, de largeur entière
    edges = [width * i for i in range(math.ceil(upper / width) + 1)]
    histogram.hist(totals, bins=edges, color="tab:blue", edgecolor="white")
    histogram.set_xlim(0, upper)
    histogram.set_ylim(0, None if totals else 1)
    histogram.yaxis.set_major_locator(MaxNLocator(integer=True))
    histogram.set_title("Répartition des totaux")
    histogram.set_xlabel(f"Total (sur {_points(max_total)} points)")
    histogram.set_ylabel("Nombre d'étudiants")
    if not totals:
        histogram.text(0.5, 0.5, "aucune copie notée", ha="center", va="center",
                       transform=histogram.transAxes)
    figure.savefig(path, format="png", dpi=100)
    figure.clear()  # libère la mémoire : la figure n'est pas gérée par pyplot


def write_all(folder, assignment: str, cells, rows) -> dict[str, pathlib.Path]:
    """Écrit les quatre rapports dans ``folder`` (créé au besoin) et renvoie leurs chemins."""
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "notes": folder / f"notes_{assignment}.csv",
        "moodle": folder / f"moodle_{assignment}.csv",
        "figure": folder / f"resume_{assignment}.png",
        "resume": folder / f"resume_{assignment}.txt",
    }
    write_grades_csv(paths["notes"], assignment, cells, rows)
    write_moodle_csv(paths["moodle"], assignment, cells, rows)
    summary_figure(paths["figure"], assignment, cells, rows)
    paths["resume"].write_text(summary_text(assignment, cells, rows) + "\n", encoding="utf-8")
    return paths
