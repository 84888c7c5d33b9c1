#!/usr/bin/env bash
# Installe si besoin, puis ouvre JupyterLab sur les notebooks étudiants (release/).
#   bash scripts/cours.sh --enseignant : JupyterLab sur la racine du cours (source/, release/),
#   où le formgrader de nbgrader (menu Nbgrader) voit les devoirs.
# Les autres arguments sont passés à JupyterLab (ex. --no-browser --port 8890).
source "$(dirname "${BASH_SOURCE[0]}")/installer.sh"
dossier="$racine/release"
if [ "${1:-}" = "--enseignant" ]; then dossier="$racine"; shift; fi
root_=(); [ "$(id -u)" = 0 ] && root_=(--allow-root)  # conteneurs et machines de CI
exec jupyter lab --ServerApp.root_dir="$dossier" "${root_[@]}" "$@"
