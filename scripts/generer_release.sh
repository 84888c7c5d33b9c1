#!/usr/bin/env bash
# Régénère release/ depuis source/ (à lancer après toute modification d'un notebook source).
source "$(dirname "${BASH_SOURCE[0]}")/installer.sh"
for dossier in source/*/; do
  devoir="$(basename "$dossier")"
  nbgrader generate_assignment "$devoir" --force --no-db
done
