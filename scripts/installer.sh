#!/usr/bin/env bash
# Installe (si besoin) l'environnement du cours dans .venv/ : le plus récent des Python pris en
# charge (3.13, 3.12 ou 3.11) trouvé sur la machine, les dépendances épinglées de requirements.txt
# et le paquet `course`. Réinstalle quand requirements.txt ou pyproject.toml change, ou quand le
# Python choisi n'est plus celui de l'environnement.
#   PYTHON=python3.12 : impose l'interpréteur (nom ou chemin) ; refusé s'il ne convient pas.
#   COURSE_VENV=.venv-3.13 : un autre dossier d'environnement (relatif à la racine du dépôt).
#   bash scripts/installer.sh --choisir-python : dit quel Python serait pris, sans rien installer.
# Sur Debian/Ubuntu, installe aussi le paquet dataset-fashion-mnist quand aucune copie locale
# des données n'existe (sinon Keras les téléchargera au premier chargement).
# S'utilise avec `source scripts/installer.sh` : laisse le dossier bin de l'environnement en tête du PATH.
set -euo pipefail
ici="${BASH_SOURCE[0]%/*}"; [ "$ici" != "${BASH_SOURCE[0]}" ] || ici=.
racine="$(cd "$ici/.." && pwd)"
venv="${COURSE_VENV:-.venv}"
case "$venv" in /*) ;; *) venv="$racine/$venv" ;; esac

# Les versions de Python prises en charge, de la plus récente à la plus ancienne : les mêmes que
# requires-python dans pyproject.toml (tests/test_dependances.py vérifie l'accord).
PYTHONS_PRIS_EN_CHARGE=(3.13 3.12 3.11)

# Essaie un interpréteur : affiche sa version (3.12) et réussit s'il convient ; sinon affiche la
# raison du refus (en français) et échoue.
essayer_python() {
  local candidat="$1" sortie version
  if ! command -v "$candidat" >/dev/null 2>&1; then
    echo "introuvable"; return 1
  fi
  if ! sortie="$("$candidat" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>&1)"; then
    echo "ne démarre pas (${sortie%%$'\n'*})"; return 1
  fi
  version="$sortie"
  if [[ " ${PYTHONS_PRIS_EN_CHARGE[*]} " != *" $version "* ]]; then
    echo "Python $version, hors des versions prises en charge (${PYTHONS_PRIS_EN_CHARGE[*]})"; return 1
  fi
  if ! "$candidat" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    echo "Python $version sans le module venv (Debian/Ubuntu : sudo apt-get install python$version-venv)"
    return 1
  fi
  echo "$version"
}

# Choisit l'interpréteur : PYTHON s'il est posé (refusé s'il ne convient pas), sinon le premier qui
# convient de python3.13, python3.12, python3.11, python3, python. Pose `python` (le nom ou chemin)
# et `python_version` ; sinon dit en français ce qui a été trouvé et pourquoi chaque Python a été refusé.
choisir_python() {
  local candidats=() candidat resultat refus=() version
  if [ -n "${PYTHON:-}" ]; then
    candidats=("$PYTHON")
  else
    for version in "${PYTHONS_PRIS_EN_CHARGE[@]}"; do candidats+=("python$version"); done
    candidats+=(python3 python)
  fi
  for candidat in "${candidats[@]}"; do
    if resultat="$(essayer_python "$candidat")"; then
      python="$candidat"; python_version="$resultat"; return 0
    fi
    [ "$resultat" = introuvable ] || refus+=("  - $candidat : $resultat")
  done
  {
    if [ -n "${PYTHON:-}" ]; then
      echo "PYTHON=$PYTHON ne convient pas : ${resultat}."
    else
      echo "Aucun Python pris en charge (${PYTHONS_PRIS_EN_CHARGE[*]}) n'a été trouvé (essayés : ${candidats[*]})."
      if [ "${#refus[@]}" -gt 0 ]; then
        echo "Trouvés mais refusés :"; printf '%s\n' "${refus[@]}"
      fi
    fi
    echo "Installez Python 3.13, 3.12 ou 3.11 (Debian/Ubuntu : sudo apt-get install python3 python3-venv ;"
    echo "ou pyenv, python.org, la voie conda : environment.yml), ou désignez-le : PYTHON=/chemin/de/python3.12."
  } >&2
  return 1
}

if [ "${BASH_SOURCE[0]}" = "$0" ] && [ "${1:-}" = "--choisir-python" ]; then
  choisir_python || exit 1
  echo "Python $python_version ($python)"
  exit 0
fi

choisir_python
empreinte="$( (cat "$racine/requirements.txt" "$racine/pyproject.toml") | cksum | cut -d' ' -f1)"
version_venv="$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true)"
if [ "$version_venv" != "$python_version" ] || [ "$(cat "$venv/.empreinte" 2>/dev/null)" != "$empreinte" ]; then
  if [ -n "${PYTHON:-}" ]; then
    echo "Python $python_version choisi : PYTHON=$PYTHON."
  else
    echo "Python $python_version choisi ($python) : le plus récent des Python pris en charge (${PYTHONS_PRIS_EN_CHARGE[*]}) trouvés."
  fi
  if [ -n "$version_venv" ] && [ "$version_venv" != "$python_version" ]; then
    echo "L'environnement $venv est en Python $version_venv : il est recréé en Python $python_version."
    rm -rf "$venv"
  fi
  echo "Installation de l'environnement du cours dans $venv ..."
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -r "$racine/requirements.txt" -e "$racine"
  echo "$empreinte" > "$venv/.empreinte"
fi

# Installe les paquets Debian "$@" avec apt-get (root, ou sudo sans mot de passe) ; échoue sans
# rien afficher si c'est impossible (pas Debian/Ubuntu, pas de droits, pas de réseau).
installer_paquet_debian() {
  command -v apt-get >/dev/null 2>&1 || return 1
  local sudo_=(); [ "$(id -u)" = 0 ] || sudo_=(sudo -n)
  local apt=("${sudo_[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)
  "${apt[@]}" install -y -qq "$@" >/dev/null 2>&1 ||
    { "${apt[@]}" update -qq >/dev/null 2>&1 && "${apt[@]}" install -y -qq "$@" >/dev/null 2>&1; }
}

donnees_locales() {
  for d in "${KERAS_HOME:-$HOME/.keras}/datasets/fashion-mnist" "${COURSE_DATA_DIR:-}" /usr/share/datasets/fashion-mnist; do
    [ -n "$d" ] && [ -f "$d/t10k-labels-idx1-ubyte.gz" ] && return 0
  done
  return 1
}
if ! donnees_locales && command -v apt-get >/dev/null 2>&1; then
  echo "Installation du paquet Debian dataset-fashion-mnist (données hors ligne) ..."
  installer_paquet_debian dataset-fashion-mnist ||
    echo "(paquet non installé : Keras téléchargera Fashion-MNIST au premier chargement)"
fi

# Le correcteur de classe isole chaque copie avec bubblewrap (Linux) : installé s'il manque.
if ! command -v bwrap >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  echo "Installation du paquet Debian bubblewrap (bac à sable du correcteur) ..."
  installer_paquet_debian bubblewrap ||
    echo "(bubblewrap non installé : le correcteur de classe n'isolera les copies que partiellement)"
fi

# nbgrader appelle l'exécutable `alembic` de l'environnement : son dossier bin passe en tête du PATH.
export PATH="$venv/bin:$PATH"
cd "$racine"
