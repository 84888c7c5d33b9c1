"""La configuration de nbgrader ne charge pas le correcteur de classe.

``nbgrader_config.py`` lit ses réglages dans ``autograder/settings.py`` (qui n'importe rien) et le
filtre des retours dans ``autograder/feedback.py`` ; chaque commande ``nbgrader`` la charge. Le
correcteur de classe (``autograder.execute`` : psutil, le bac à sable, le modèle de
noyaux qui inscrit des crochets de sortie à l'import) n'a rien à y faire. Vérifié sur une vraie
commande, par ``python -X importtime`` (chaque module importé y est écrit)."""

import subprocess
import sys

from paths import course_copy, environment

HEAVY = ("autograder.execute", "autograder.tampering", "autograder.isolation",
         "autograder.isolation.sandbox", "autograder.isolation.forkserver", "autograder.pipeline",
         "psutil", "course")  # nbclient : nbgrader lui-même le charge (son préprocesseur Execute)


def test_an_nbgrader_command_does_not_import_the_class_grader(tmp_path):
    course = course_copy(tmp_path, ["00_prise_en_main"])
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "nbgrader", "db", "student", "list"],
                            cwd=course, env=environment(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    imported = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:") and "|" in line}
    assert "autograder.settings" in imported and "autograder.feedback" in imported, "configuration non lue ?"
    assert not [name for name in HEAVY if name in imported], sorted(n for n in imported if n in HEAVY)
    assert (course / "gradebook.db").exists()
