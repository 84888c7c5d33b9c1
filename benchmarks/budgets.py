"""Banc des budgets : secondes et mémoire maximale de chaque notebook de source/, dans chaque budget.

Chaque notebook source (solutions comprises) est exécuté de haut en bas dans un noyau neuf, comme
le font les tests (``tests/notebook_run.py``, nbclient), dans chaque budget de ``course/budget.py`` :
``complet`` (les étudiants), ``rapide`` (les tests), ``correction`` (nbgrader, pendant ``validate``
et ``autograde``). Le tableau donne, pour chaque notebook et chaque budget, les secondes (du
démarrage du noyau à la dernière cellule, import de TensorFlow compris), la limite du budget à
côté, et la mémoire résidente maximale de l'arbre de processus du noyau (échantillonnée toutes
les 0,2 s).

Ce n'est pas un test : les chiffres dépendent de la machine et de sa charge (la charge moyenne
est affichée avant et après). Exemples (environnement actif, depuis la racine) ::

    python benchmarks/budgets.py                       # tous les notebooks, les trois budgets
    python benchmarks/budgets.py --budgets rapide correction --notebooks 00_prise_en_main 04_vae
    python benchmarks/budgets.py --budgets complet --ralenti 3   # chaque notebook, puis sur une machine 3 fois plus lente

``--ralenti N`` simule une machine N fois plus lente : le banc et ses noyaux passent, pour une
seconde mesure de chaque notebook, dans un groupe de contrôle (cgroup) dont le quota de processeur
vaut le nombre de cœurs divisé par N (2 cœurs, N = 3 : 0,67 cœur). Il faut être root (ou avoir la
main sur le contrôleur ``cpu`` des cgroups) ; le tableau donne les deux mesures. Ce que la
simulation ralentit de N : le calcul sur tous les cœurs (les entraînements de Keras, que les
limites de temps bornent) ; un calcul sur un seul fil (Python pur) l'est moins (×1,5 pour N = 3 sur
2 cœurs : un fil seul peut prendre tout le quota).
"""

import contextlib
import datetime
import os
import pathlib
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from notebook_run import BUDGET_ENVIRONMENT, run_source  # noqa: E402
from paths import assignments  # noqa: E402
from autograder.arguments import FrenchArgumentParser  # noqa: E402 (argparse en français)
from autograder.isolation import sandbox  # noqa: E402 (groupes de contrôle du correcteur)

# Limites par notebook (README, « Les budgets d'exécution ») ; correction : des tailles au plus
# celles de rapide, donc au plus sa limite, pour qu'une copie entière se corrige en une minute environ.
LIMITS = {"complet": 300, "rapide": 60, "correction": 60}


def french(number, digits=1):
    """``12.34`` → ``"12,3"`` (virgule décimale, comme le README)."""
    return f"{number:.{digits}f}".replace(".", ",")


def measure(assignment, budget):
    """Exécute un notebook ; renvoie (secondes, mémoire max en octets, verdict en français)."""
    with tempfile.TemporaryDirectory(prefix=f"budget-{assignment}-") as folder:
        try:
            run = run_source(assignment, budget, folder, quiet=True)
        except Exception as error:  # noqa: BLE001 (une cellule en erreur ou trop longue : on le dit, on continue)
            name = getattr(error, "ename", "")  # CellExecutionError : l'exception de la cellule
            return None, None, f"échec : {type(error).__name__}" + (f" ({name})" if name else "")
    if run.errors:
        return run.seconds, run.peak_memory, f"erreur : {run.errors[0].ename}"
    verdict = "dans la limite" if run.seconds <= LIMITS[budget] else "**au-delà de la limite**"
    return run.seconds, run.peak_memory, verdict


def row(assignment, budget, seconds, peak, verdict):
    seconds_text = "—" if seconds is None else french(seconds)
    memory_text = "—" if peak is None else f"{french(peak / 2**20, 0)} Mio"
    return f"| `{assignment}` | {budget} | {seconds_text} | {LIMITS[budget]} | {memory_text} | {verdict} |"


@contextlib.contextmanager
def slowed_down(factor):
    """Ce processus et ses enfants (les noyaux) dans un groupe de contrôle au quota de
    ``cœurs / factor`` processeurs, le temps du bloc : le groupe d'une copie du correcteur de
    classe (``autograder.isolation.sandbox.CopyGroup``, cgroup v1 ou v2). Produit le quota, en
    français (« 0,67 »)."""
    parents = sandbox.process_groups()
    if parents is None or parents["cpu"] is None:
        raise SystemExit("--ralenti : aucun groupe de contrôle avec le contrôleur cpu n'est utilisable ici "
                         "(il faut être root, ou avoir la main sur les cgroups).")
    cpus = (os.cpu_count() or 1) / factor
    group = sandbox.CopyGroup.create(os.getpid(), "ralenti", sandbox.Limits(cpus=cpus))
    group.add(os.getpid())
    try:
        yield french(cpus, 2)
    finally:
        for parent in dict.fromkeys(parents.values()):  # retour dans ses propres groupes
            (pathlib.Path(parent) / "cgroup.procs").write_text(str(os.getpid()))
        group.remove()


def main(argv=None):
    parser = FrenchArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", nargs="+", choices=list(BUDGET_ENVIRONMENT), default=list(BUDGET_ENVIRONMENT),
                        help="budgets à mesurer (défaut : les trois)")
    parser.add_argument("--notebooks", nargs="+", choices=assignments(), default=assignments(), metavar="DEVOIR",
                        help=f"devoirs à mesurer (défaut : tous ceux de source/ : {', '.join(assignments())})")
    parser.add_argument("--ralenti", type=float, metavar="N",
                        help="mesure aussi chaque notebook sur une machine simulée N fois plus lente (root)")
    args = parser.parse_args(argv)
    print(f"Mesure du {datetime.datetime.now():%d/%m/%Y %H:%M}, {os.cpu_count()} cœurs, "
          f"charge moyenne avant : {french(os.getloadavg()[0], 2)}")
    print()
    print("| devoir | budget | secondes | limite (s) | mémoire max du noyau | verdict |")
    print("|---|---|---|---|---|---|")
    failures = 0
    for budget in args.budgets:
        total = 0.0
        for assignment in args.notebooks:
            seconds, peak, verdict = measure(assignment, budget)
            failures += seconds is None or verdict.startswith("erreur")
            total += seconds or 0.0
            print(row(assignment, budget, seconds, peak, verdict), flush=True)
            if args.ralenti:
                with slowed_down(args.ralenti) as cores:
                    seconds, peak, verdict = measure(assignment, budget)
                failures += seconds is None or verdict.startswith("erreur")
                label = f"{budget}, ralenti ×{french(args.ralenti, 0)} ({cores} cœur)"
                print(row(assignment, budget, seconds, peak, verdict).replace(f"| {budget} |", f"| {label} |", 1),
                      flush=True)
        if len(args.notebooks) > 1:
            print(f"| **total** | {budget} | {french(total)} | — | — | {len(args.notebooks)} notebooks |", flush=True)
    print()
    print(f"Charge moyenne après : {french(os.getloadavg()[0], 2)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
