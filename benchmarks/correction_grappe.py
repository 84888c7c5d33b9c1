"""Banc d'essai de la correction sur une grappe Dask et avec un carnet PostgreSQL.

Débit (notebooks corrigés par minute) de ``python -m autograder corriger tous`` sur N étudiants
ayant rendu une copie juste de chaque devoir : avec les processus locaux (carnet SQLite), puis
avec 1, 2 et 4 travailleurs Dask (un ordonnanceur et des travailleurs lancés ici, sur 127.0.0.1),
et la même classe avec un carnet PostgreSQL (serveur Debian lancé ici, dans un dossier
temporaire). Le bac à sable est actif partout. Ce n'est pas un test : les chiffres dépendent de la
machine. Exemple (environnement actif, en root ou non) ::

    python benchmarks/correction_grappe.py --etudiants 2 --travailleurs 1 2 4
"""

import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from correction_classe import build_course  # noqa: E402
from dask_cluster import local_cluster  # noqa: E402
from paths import assignments, environment  # noqa: E402
from postgres import PostgresServer, binaries, server_user  # noqa: E402
from autograder.arguments import FrenchArgumentParser  # noqa: E402 (argparse en français)


def grade(copies, *options, base=None):
    """Secondes pour corriger une classe neuve de ``copies`` étudiants avec ``options`` (carnet
    ``base``, rempli avant le chronomètre)."""
    with tempfile.TemporaryDirectory() as folder:
        course = build_course(pathlib.Path(folder), copies, base)
        options = (*options, "--base", base) if base else options
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "autograder", "corriger", "tous", "copies", "--sans-barre", *options],
            cwd=course, env=environment(), capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if result.returncode != 0:
            raise RuntimeError(result.stdout[-2000:] + result.stderr[-2000:])
        return seconds


def line(label, seconds, notebooks):
    print(f"| {label} | {seconds:.1f} | {60 * notebooks / seconds:.1f} |", flush=True)


def main():
    parser = FrenchArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--etudiants", type=int, default=2)
    parser.add_argument("--travailleurs", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args()
    notebooks = args.etudiants * len(assignments())
    print(f"{args.etudiants} étudiant(s) × {len(assignments())} devoirs = {notebooks} notebooks")
    print("| configuration | secondes | notebooks/min |")
    print("|---|---|---|")
    line("commande locale, 2 processus, SQLite", grade(args.etudiants, "--travailleurs", "2"), notebooks)
    for count in args.travailleurs:
        with local_cluster(count) as (address, _):
            line(f"Dask, {count} travailleur(s), SQLite", grade(args.etudiants, "--dask", address), notebooks)
    folder = tempfile.mkdtemp(prefix="pg-banc-")
    server = PostgresServer(binaries(), folder, server_user())
    try:
        server.start()
        line("commande locale, 2 processus, PostgreSQL",
             grade(args.etudiants, "--travailleurs", "2", base=server.url), notebooks)
        server.create_database("notes_grappe")
        with local_cluster(2) as (address, _):
            line("Dask, 2 travailleurs, PostgreSQL",
                 grade(args.etudiants, "--dask", address, base=server.url_of("notes_grappe")), notebooks)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
