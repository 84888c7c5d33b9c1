"""``import course`` avant TensorFlow : aucun journal de démarrage sur stderr, rien d'autre ne change.

Les journaux de TensorFlow (« failed call to cuInit: CUDA error » sur toute machine sans GPU, lignes
d'absl écrites pendant ``import tensorflow``) arriveraient sinon dans les notebooks en encadrés
rouges. Chaque test lance un interpréteur neuf : le réglage se fait au premier import.
"""

import os
import subprocess
import sys
import textwrap

from paths import ROOT

TRAIN_A_TINY_MODEL = """
import keras, numpy as np
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
model.compile("adam", "mse")
model.fit(np.zeros((8, 3)), np.zeros((8, 2)), verbose=0)
print("fini")
"""


def run_python(code, tmp_path, **env_changes):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_") and k != "CUDA_VISIBLE_DEVICES"}
    env.update(env_changes)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)


def test_tensorflow_prints_nothing_on_stderr_when_course_comes_first(tmp_path):
    result = run_python("import course\n" + TRAIN_A_TINY_MODEL, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "fini"
    assert result.stderr == ""


def test_without_course_first_tensorflow_does_print(tmp_path):
    # Témoin : sans le paquet du cours, TensorFlow écrit bien sur stderr (le test ci-dessus a un sens).
    result = run_python(TRAIN_A_TINY_MODEL, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip(), "TensorFlow n'écrit plus rien au démarrage : ce test est à revoir"


def test_an_explicit_log_level_wins_and_no_gpu_is_hidden(tmp_path):
    result = run_python(
        "import os, course; print(os.environ['TF_CPP_MIN_LOG_LEVEL'], 'CUDA_VISIBLE_DEVICES' in os.environ)",
        tmp_path, TF_CPP_MIN_LOG_LEVEL="0",
    )
    assert result.stdout.split() == ["0", "False"], result.stderr


def fake_tensorflow(folder, body):
    """Un paquet ``tensorflow`` de remplacement, placé avant le vrai dans le chemin d'import."""
    package = folder / "faux" / "tensorflow"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(body), encoding="utf-8")
    return str(folder / "faux")


def test_only_the_tensorflow_import_is_silenced(tmp_path):
    path = fake_tensorflow(tmp_path, """
        import os
        os.write(2, b"journal C++ du demarrage\\n")
        VALEUR = 42
    """)
    result = run_python(
        "import os, sys, course, tensorflow\n"
        "os.write(2, b'apres import\\n'); print('ecrit', file=sys.stderr); print(tensorflow.VALEUR)",
        tmp_path, PYTHONPATH=f"{path}{os.pathsep}{ROOT}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "42"
    assert result.stderr == "apres import\necrit\n"


def test_a_failing_tensorflow_import_shows_what_it_printed(tmp_path):
    path = fake_tensorflow(tmp_path, """
        import os
        os.write(2, b"bibliotheque CUDA introuvable\\n")
        raise ImportError("echec du chargement")
    """)
    result = run_python("import course, tensorflow", tmp_path, PYTHONPATH=f"{path}{os.pathsep}{ROOT}")
    assert result.returncode != 0
    assert "bibliotheque CUDA introuvable" in result.stderr
    assert "ImportError: echec du chargement" in result.stderr
