#!/usr/bin/env bash
# Installe si besoin, puis lance toute la suite de tests (pytest, sur les 2 cœurs).
source "$(dirname "${BASH_SOURCE[0]}")/installer.sh"
exec python -m pytest -n 2 "$@"
