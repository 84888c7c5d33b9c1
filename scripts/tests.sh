#!/usr/bin/env bash
# Installe si besoin, puis lance toute la suite de tests (pytest, sur les 2 cœurs).
# --rapide : seulement les tests qui n'exécutent aucun notebook et ne démarrent ni noyau ni serveur
# (moins de 2 minutes ; les modules lents sont listés dans tests/conftest.py). Les autres arguments
# vont à pytest.
# Installe aussi, quand il le peut (Debian/Ubuntu, root ou sudo sans mot de passe), ce que
# certains tests demandent : Chromium (tests dans le navigateur) et PostgreSQL (carnet de notes
# sur PostgreSQL). Sinon, dit quels tests sauteront et la commande qui les rend possibles.
source "$(dirname "${BASH_SOURCE[0]}")/installer.sh"

# Niveau rapide : aucun composant de test à installer (ni navigateur ni serveur).
if [ "${1:-}" = --rapide ]; then
  shift
  exec python -m pytest -n 2 -m "not lent" "$@"
fi

# Comme shutil.which des tests : un fichier exécutable du PATH.
executable() { local chemin; chemin="$(command -v "$1" 2>/dev/null)" && [ -x "$chemin" ]; }
chromium_present() { executable chromium || executable chromium-browser; }
postgresql_present() { compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || { executable pg_ctl && executable initdb; }; }

# composant_de_test NOM PAQUET TESTS : installe PAQUET si NOM manque ; sinon, note ce qui sautera.
manquants=(); sautes=()
composant_de_test() {
  local nom="$1" paquet="$2" tests="$3"
  "${nom}_present" && return 0
  if command -v apt-get >/dev/null 2>&1; then
    echo "Installation du paquet Debian $paquet ($tests) ..."
    installer_paquet_debian "$paquet" && "${nom}_present" && return 0
  fi
  manquants+=("$paquet"); sautes+=("  - $tests : $nom absent")
}
composant_de_test chromium chromium "tests/test_navigateur.py, le cours dans un vrai navigateur"
composant_de_test postgresql postgresql "tests/test_cluster.py, le carnet de notes sur PostgreSQL"
if [ "${#manquants[@]}" -gt 0 ]; then
  echo "Ces tests sauteront (composants absents, non installables ici) :"
  printf '%s\n' "${sautes[@]}"
  if command -v apt-get >/dev/null 2>&1; then
    echo "Pour les lancer : sudo apt-get install ${manquants[*]}"
  else
    echo "Pour les lancer : installez ${manquants[*]} avec le gestionnaire de paquets du système."
  fi
fi

# --dist loadscope : les tests d'un même module vont au même processus. Sinon, chaque processus qui
# lance un test d'un module construit ses fixtures de module (un cours corrigé par nbgrader, une
# classe corrigée par la commande, un serveur) : deux fois le même travail. --no-loadscope-reorder :
# les modules partent dans l'ordre des tests, les plus longs en tête (tests/conftest.py).
exec python -m pytest -n 2 --dist loadscope --no-loadscope-reorder "$@"
