#!/usr/bin/env bash
# Installe si besoin, puis ouvre JupyterLab sur les notebooks étudiants (release/).
# Les arguments sont passés à JupyterLab (ex. --no-browser --port 8890).
source "$(dirname "${BASH_SOURCE[0]}")/installer.sh"
root_=(); [ "$(id -u)" = 0 ] && root_=(--allow-root)  # conteneurs et machines de CI
exec jupyter lab --ServerApp.root_dir="$racine/release" "${root_[@]}" "$@"
