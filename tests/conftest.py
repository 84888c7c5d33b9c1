import pathlib
import sys

# Les modules d'aide des tests (paths, variant_harness) s'importent par leur nom.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
