#!/usr/bin/env bash
# Installe si besoin, puis ouvre JupyterLab sur les notebooks étudiants (release/).
source "$(dirname "${BASH_SOURCE[0]}")/installer.sh"
exec jupyter lab --ServerApp.root_dir="$racine/release" "$@"
