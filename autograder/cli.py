"""La ligne de commande : ``python -m autograder corriger <devoir> <copies>`` (enseignant) et
``python -m autograder auto-evaluer <notebook>`` (étudiant seul), depuis la racine du cours."""

import os
import pathlib
import sys

from .executables import require
from .isolation.sandbox import Limits


def parser():
    from .arguments import FrenchArgumentParser  # noqa: PLC0415 (aide, utilisation, erreurs en français)

    main = FrenchArgumentParser(prog="python -m autograder", description=(
        "Correction automatique du cours d'autoencodeurs, sur nbgrader, chaque copie isolée."))
    commands = main.add_subparsers(dest="command", required=True, metavar="commande")
    grade = commands.add_parser("corriger", help="corrige les copies d'une classe pour un devoir")
    grade.add_argument("devoir", help=(
        "identifiant du devoir (ex. 04_vae), présent dans source/ ; plusieurs séparés par des "
        "virgules, ou « tous »"))
    grade.add_argument("copies", type=pathlib.Path, help=(
        "dossier ou zip des copies : dossier au format submitted/ de nbgrader, "
        "fichiers <étudiant>_<devoir>.ipynb, ou zip « Télécharger tous les travaux » de Moodle"))
    grade.add_argument("--travailleurs", type=int, default=os.cpu_count() or 1, metavar="N",
                       help="copies corrigées en parallèle (défaut : nombre de cœurs, %(default)s)")
    grade.add_argument("--base", default=None, metavar="BASE", help=(
        "carnet de notes : fichier SQLite (défaut : gradebook.db à la racine) ou URL postgresql://…"))
    grade.add_argument("--dask", default=None, metavar="ADRESSE", help=(
        "corrige sur une grappe Dask (ex. tcp://serveur:8786) au lieu des processus locaux ; voir "
        "le README pour lancer l'ordonnanceur et les travailleurs"))
    grade.add_argument("--sortie", type=pathlib.Path, default=None, metavar="DOSSIER",
                       help="dossier des rapports, un sous-dossier par devoir (défaut : rapports/)")
    grade.add_argument("--sans-barre", action="store_true", help="pas de barre de progression")
    grade.add_argument("--sans-modele", action="store_true", help=(
        "chaque noyau démarre seul et importe TensorFlow lui-même, au lieu d'être dupliqué du modèle "
        "de noyaux préchargé de son travailleur (plus lent de ≈ 3 s par notebook)"))
    self_check = commands.add_parser("auto-evaluer", help="note votre propre notebook, tests cachés compris")
    self_check.add_argument("notebook", type=pathlib.Path, help="votre notebook (ex. release/04_vae/04_vae.ipynb)")
    for command in (grade, self_check):
        command.add_argument("--isolement", choices=("auto", "bwrap", "minimal"), default="auto", help=(
            "bwrap : bac à sable complet (Linux) ; minimal : sans bac à sable ; auto : bwrap s'il "
            "est disponible (défaut)"))
        command.add_argument("--delai-cellule", type=int, default=Limits.cell_timeout, metavar="S",
                             help="secondes par cellule (défaut : %(default)s)")
        command.add_argument("--delai-notebook", type=int, default=Limits.notebook_timeout, metavar="S",
                             help="secondes par notebook (défaut : %(default)s)")
        command.add_argument("--memoire", type=float, default=Limits.memory / 2**30, metavar="GIO",
                             help="mémoire par copie, en Gio (défaut : %(default)g)")
    return main


def main(argv=None):
    require("alembic")  # nbgrader lance alembic par son nom : trouvé sans activer l'environnement
    from . import pipeline  # noqa: PLC0415 (l'aide s'affiche sans importer nbgrader)

    args = parser().parse_args(argv)
    root = pathlib.Path.cwd()
    if not (root / "source").is_dir() or not (root / "nbgrader_config.py").is_file():
        sys.exit("Lancez la commande depuis la racine du cours (là où sont source/ et nbgrader_config.py).")
    limits = Limits(cell_timeout=args.delai_cellule, notebook_timeout=args.delai_notebook,
                    memory=int(args.memoire * 2**30))
    try:
        if args.command == "corriger":
            if not args.copies.exists():
                sys.exit(f"Copies introuvables : {args.copies}")
            from .cluster import DaskWorkers, check_database  # noqa: PLC0415

            base = check_database(args.base)  # avant tout : base injoignable -> rien d'écrit
            backend = DaskWorkers(args.dask, require_bwrap=args.isolement != "minimal") if args.dask else None
            options = pipeline.Options(root=root, base=base, workers=args.travailleurs,
                                       isolation=args.isolement, limits=limits, output=args.sortie,
                                       progress=not args.sans_barre, preload=not args.sans_modele)
            try:
                pipeline.grade_class(args.devoir, args.copies, options, backend=backend)
            finally:
                if backend is not None:
                    backend.close()
        else:
            if not args.notebook.is_file():
                sys.exit(f"Notebook introuvable : {args.notebook}")
            options = pipeline.Options(root=root, isolation=args.isolement, limits=limits)
            pipeline.self_assess(args.notebook, root, options)
    except (ValueError, RuntimeError) as error:
        sys.exit(f"Erreur : {error}")
