"""Banc d'essai du correcteur de classe : secondes pour corriger N copies justes de tous les devoirs.

Pour chaque nombre de copies (``--copies``) et de travailleurs (``--travailleurs``), un cours
jetable reçoit N étudiants ayant rendu une copie juste de chaque devoir de ``source/`` (format
``submitted/``), puis on chronomètre ``python -m autograder corriger tous copies`` (avec le bac à
sable et le modèle de noyaux ; sans le modèle si ``--sans-modele`` ; sans bac à sable si
``--sans-isolement``) et, si ``--nbgrader``, ``nbgrader autograde`` de chaque
devoir, l'un après l'autre, sur les mêmes copies. Le carnet est rempli avant le chronomètre
(``nbgrader generate_assignment``), comme dans un cours en cours de semestre.

Le plancher : la somme des durées des cellules de test de toutes les copies (mesurées dans le
noyau de chaque copie), divisée par le nombre de travailleurs — ce que coûterait la correction si
rien d'autre que les tests ne s'exécutait.

Ce n'est pas un test : les chiffres dépendent de la machine. Exemple (environnement actif) ::

    python benchmarks/correction_classe.py --copies 1 8 --travailleurs 1 2 --nbgrader --sans-isolement --sans-modele
"""

import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from notebook_text import correct_submission  # noqa: E402
from paths import assignments, course_copy, environment  # noqa: E402
from autograder.arguments import FrenchArgumentParser  # noqa: E402 (argparse en français)

import nbformat  # noqa: E402


def build_course(folder, copies, base=None):
    """Un cours jetable, son carnet rempli (``base`` : URL du carnet, défaut gradebook.db), et
    ``copies`` étudiants ayant rendu une copie juste de chaque devoir dans ``copies/``."""
    course = course_copy(folder)
    for assignment in assignments():
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force",
                        *([f"--db={base}"] if base else [])],
                       cwd=course, env=environment(), check=True, capture_output=True)
        nb = correct_submission(assignment)
        for index in range(copies):
            path = course / "copies" / f"etudiant{index:03d}" / assignment / f"{assignment}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
    return course


def timed(command, course):
    start = time.perf_counter()
    result = subprocess.run(command, cwd=course, env=environment(), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} : {result.stdout[-1500:]}{result.stderr[-1500:]}")
    return seconds


def ours(copies, workers, isolation, preload=True):
    with tempfile.TemporaryDirectory() as folder:
        course = build_course(pathlib.Path(folder), copies)
        seconds = timed([sys.executable, "-m", "autograder", "corriger", "tous", "copies", "--travailleurs",
                         str(workers), "--sans-barre", "--isolement", isolation,
                         *([] if preload else ["--sans-modele"])], course)
        paths = sorted(course.glob("autograded/*/*/correction.json"))
        assert len(paths) == copies * len(assignments()), "copies manquantes"
        states = [json.loads(p.read_text()) for p in paths]
        peak = max(state["peak_memory"] for state in states)
        # devoir -> (secondes moyennes d'une copie, noyau compris ; dont cellules de test : le plancher)
        per_notebook = {}
        for path, state in zip(paths, states):
            per_notebook.setdefault(path.parent.name, []).append((state["seconds"], state["test_seconds"]))
        floor = sum(state["test_seconds"] for state in states)
        return seconds, peak, floor, {name: tuple(sum(x) / len(v) for x in zip(*v))
                                      for name, v in sorted(per_notebook.items())}


def plain_nbgrader(copies):
    with tempfile.TemporaryDirectory() as folder:
        course = build_course(pathlib.Path(folder), copies)
        shutil.move(course / "copies", course / "submitted")
        return sum(timed([sys.executable, "-m", "nbgrader", "autograde", assignment], course)
                   for assignment in assignments())


def main():
    parser = FrenchArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--travailleurs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--nbgrader", action="store_true", help="mesure aussi nbgrader autograde en série")
    parser.add_argument("--sans-isolement", action="store_true", help="mesure aussi sans bac à sable")
    parser.add_argument("--sans-modele", action="store_true",
                        help="mesure aussi le bac à sable sans modèle de noyaux (un bwrap et un import par noyau)")
    args = parser.parse_args()
    print(f"Devoirs : {', '.join(assignments())}")
    print("| copies | configuration | secondes | notebooks/min | plancher | secondes / plancher | "
          "mémoire max d’un noyau |")
    print("|---|---|---|---|---|---|---|")
    details = []
    for copies in args.copies:
        notebooks = copies * len(assignments())
        runs = [(f"{w} travailleur(s), bac à sable", w, "bwrap", True) for w in args.travailleurs]
        if args.sans_modele:
            runs += [(f"{w} travailleur(s), bac à sable sans modèle", w, "bwrap", False) for w in args.travailleurs]
        if args.sans_isolement:
            runs += [(f"{w} travailleur(s), sans bac à sable", w, "minimal", True) for w in args.travailleurs]
        for label, workers, isolation, preload in runs:
            seconds, peak, floor, per_notebook = ours(copies, workers, isolation, preload)
            floor /= workers  # les cellules de test, réparties sur les travailleurs
            print(f"| {copies} | {label} | {seconds:.1f} | {60 * notebooks / seconds:.1f} | {floor:.1f} | "
                  f"{seconds / floor:.1f} | {peak / 2**20:.0f} Mio |", flush=True)
            details.append(f"{copies} copie(s), {label} : " + ", ".join(
                f"{name} {total:.1f} s (tests {tests:.1f} s)" for name, (total, tests) in per_notebook.items()))
        if args.nbgrader:
            seconds = plain_nbgrader(copies)
            print(f"| {copies} | nbgrader autograde en série | {seconds:.1f} | {60 * notebooks / seconds:.1f} "
                  "| — | — | — |",
                  flush=True)
    print("\nExécution moyenne d'une copie par devoir (noyau, bac à sable et tests compris ; entre "
          "parenthèses, ses cellules de test seules) :")
    print("\n".join(details))


if __name__ == "__main__":
    main()
