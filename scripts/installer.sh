#!/usr/bin/env bash
# Installe (si besoin) l'environnement du cours dans .venv/ : Python 3.11, les dépendances
# épinglées de requirements.txt et le paquet `course`. Réinstalle quand requirements.txt change.
# Sur Debian/Ubuntu, installe aussi le paquet dataset-fashion-mnist quand aucune copie locale
# des données n'existe (sinon Keras les téléchargera au premier chargement).
# S'utilise avec `source scripts/installer.sh` : laisse .venv/bin en tête du PATH.
set -euo pipefail
racine="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$racine/.venv"

trouver_python() {
  for candidat in "${PYTHON:-}" python3.11 python3 python; do
    [ -n "$candidat" ] || continue
    if command -v "$candidat" >/dev/null 2>&1 &&
       "$candidat" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      echo "$candidat"; return 0
    fi
  done
  echo "Python 3.11 est introuvable : installez-le (ou la voie conda : environment.yml)." >&2
  return 1
}

empreinte="$( (cat "$racine/requirements.txt" "$racine/pyproject.toml") | cksum | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.empreinte" 2>/dev/null)" != "$empreinte" ]; then
  python="$(trouver_python)"
  echo "Installation de l'environnement du cours dans $venv ..."
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -r "$racine/requirements.txt" -e "$racine"
  echo "$empreinte" > "$venv/.empreinte"
fi

donnees_locales() {
  for d in "${KERAS_HOME:-$HOME/.keras}/datasets/fashion-mnist" "${COURSE_DATA_DIR:-}" /usr/share/datasets/fashion-mnist; do
    [ -n "$d" ] && [ -f "$d/t10k-labels-idx1-ubyte.gz" ] && return 0
  done
  return 1
}
if ! donnees_locales && command -v apt-get >/dev/null 2>&1; then
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_="sudo -n"
  echo "Installation du paquet Debian dataset-fashion-mnist (données hors ligne) ..."
  { $sudo_ apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1 ||
    { $sudo_ apt-get update -qq >/dev/null 2>&1 && $sudo_ apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1; }; } ||
    echo "(paquet non installé : Keras téléchargera Fashion-MNIST au premier chargement)"
fi

# Le correcteur de classe isole chaque copie avec bubblewrap (Linux) : installé s'il manque.
if ! command -v bwrap >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_="sudo -n"
  echo "Installation du paquet Debian bubblewrap (bac à sable du correcteur) ..."
  { $sudo_ apt-get install -y -qq bubblewrap >/dev/null 2>&1 ||
    { $sudo_ apt-get update -qq >/dev/null 2>&1 && $sudo_ apt-get install -y -qq bubblewrap >/dev/null 2>&1; }; } ||
    echo "(bubblewrap non installé : le correcteur de classe n'isolera les copies que partiellement)"
fi

# nbgrader appelle l'exécutable `alembic` de l'environnement : .venv/bin doit être dans le PATH.
export PATH="$venv/bin:$PATH"
cd "$racine"
