"""Réglages du correcteur, en un seul endroit : ceux de ``nbgrader`` (lus par
``nbgrader_config.py``) et ceux du correcteur de classe (``execute.py``,
``isolation/sandbox.py``).

Ce module n'importe rien : la configuration de nbgrader le lit sans charger le correcteur de
classe (nbclient, psutil, le bac à sable), si bien que ``nbgrader`` démarre aussi vite que sans
ce cours (``tests/test_configuration.py`` le vérifie).
"""

# Pendant la correction, le noyau renvoie stderr vers stdout : TensorFlow y écrit à chaque
# démarrage (journaux C++ d'absl, avertissements Python), et nbgrader met 0 à toute cellule de test
# qui écrit sur stderr ; une solution juste perdrait ses points. Au niveau Python (sys.stderr) comme
# au niveau du descripteur 2 (journaux C++) : les messages restent visibles dans le retour, mais ne
# comptent plus. Une erreur reste une erreur (sortie « error », jamais stderr).
STDERR_TO_STDOUT = "import os, sys; os.dup2(1, 2); sys.stderr = sys.stdout"
# Arguments des noyaux de nbgrader (validate, autograde) et du correcteur de classe.
KERNEL_ARGUMENTS = (
    "--HistoryManager.hist_file=:memory:",
    f"--IPKernelApp.exec_lines={STDERR_TO_STDOUT}",
)

# Délais. Le budget « correction » tient un notebook entier en moins d'une minute ; une cellule a
# 120 s (une boucle infinie d'étudiant coûte ses points, puis la suite continue). Le démarrage d'un
# noyau avec TensorFlow peut prendre plusieurs secondes sur un portable chargé.
CELL_TIMEOUT = 120
KERNEL_STARTUP_TIMEOUT = 120
NOTEBOOK_TIMEOUT = 600  # le correcteur de classe seulement : un notebook entier

# Attente des dernières sorties d'une cellule après la réponse du noyau.
# - nbgrader abandonne le notebook entier quand elle est dépassée (raise_on_iopub_timeout) : sur une
#   machine chargée (import de TensorFlow pendant que d'autres noyaux calculent), ses 4 s par défaut
#   ne suffisent pas toujours ; attendre plus ne coûte rien quand les sorties arrivent à temps.
# - le correcteur de classe continue sans elles (raise_on_iopub_timeout=False) ; une attente courte
#   l'empêche de rester bloqué sur un noyau tué pendant une cellule (mémoire, os._exit).
NBGRADER_IOPUB_TIMEOUT = 30
GRADER_IOPUB_TIMEOUT = 10

# Les vérifications du correcteur de classe dans le noyau (sondes, empreinte, « le noyau
# répond-il ? ») : courtes, elles ont leur propre délai.
PROBE_TIMEOUT = 30
CHECK_TIMEOUT = 10
