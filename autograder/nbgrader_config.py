"""Configuration nbgrader du cours (chargée par ../nbgrader_config.py, depuis la racine).

Les commandes s'exécutent depuis la racine du dépôt : ``nbgrader generate_assignment 00_prise_en_main``,
``nbgrader autograde 00_prise_en_main``, ``nbgrader generate_feedback``, ``nbgrader export``.
"""

import os

c = get_config()  # noqa: F821 (fourni par traitlets)

c.CourseDirectory.course_id = "autoencodeurs"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"

# Amorces en français.
c.ClearSolutions.code_stub = {"python": "# VOTRE CODE ICI\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "VOTRE RÉPONSE ICI"

# Délais et arguments des noyaux : autograder/settings.py (le seul endroit de ces réglages, qui
# n'importe rien : nbgrader ne charge pas le correcteur de classe). Pendant validate et autograde,
# le noyau renvoie stderr vers stdout (TensorFlow y écrit à chaque démarrage, et nbgrader mettrait
# 0 à une cellule de test qui écrit sur stderr).
import sys  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from autograder import settings  # noqa: E402
from autograder.feedback import HideHiddenTests  # noqa: E402

c.Execute.timeout = settings.CELL_TIMEOUT
c.Execute.startup_timeout = settings.KERNEL_STARTUP_TIMEOUT
c.Execute.interrupt_on_timeout = True
c.Execute.iopub_timeout = settings.NBGRADER_IOPUB_TIMEOUT
c.Execute.extra_arguments = list(settings.KERNEL_ARGUMENTS)

# Moins de bruit au démarrage de TensorFlow dans les noyaux lancés par nbgrader (ils héritent
# de cet environnement) ; même niveau que le paquet `course` (course/__init__.py).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# nbgrader (le formgrader, `autograde`, la création du carnet) lance l'exécutable `alembic` par
# son nom : il doit être trouvé dans le PATH. Le dossier des exécutables de l'environnement qui
# lit cette configuration (.venv/bin, ou Scripts\ sous Windows) passe donc en tête du PATH, même
# quand JupyterLab ou nbgrader ont été lancés par leur chemin complet sans activer l'environnement
# (la même fonction sert à `python -m autograder`, voir autograder/executables.py).
from autograder.executables import put_environment_first  # noqa: E402

put_environment_first()

# Les retours aux étudiants ne montrent jamais le code des tests cachés (voir feedback.py).
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
# La page de retour est en français (gabarit autograder/templates/retour, celui de nbgrader
# traduit). Réglé pour le seul exportateur de GenerateFeedback (le formgrader garde le sien),
# y compris quand le formgrader génère les retours (il impose alors template_name = "feedback"
# au niveau HTMLExporter, que ce réglage plus précis emporte).
from autograder.feedback import TEMPLATE, TEMPLATES  # noqa: E402

c.GenerateFeedback.HTMLExporter.template_name = TEMPLATE
c.GenerateFeedback.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
