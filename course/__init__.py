"""Paquet du cours d'autoencodeurs, importé par chaque notebook.

Modules (un rôle chacun, aucun effet de bord à l'import) :

- ``budget`` : tailles des exécutions (époques, sous-ensembles) selon le mode ;
- ``entrainement`` : limite de temps, barre de progression et bilan d'un entraînement (``Suivi``) ;
- ``donnees`` : chargement hors ligne de Fashion-MNIST, noms des classes ;
- ``graphiques`` : grilles d'images (originales et reconstructions) ;
- ``quiz`` : questions d'auto-évaluation à réponse immédiate ;
- ``interactif`` : curseur de l'ACP et explorateur de l'espace latent (figures vivantes ipympl) ;
- ``debruitage`` : curseur du bruit du débruiteur (``03_ae_convolutif``) ;
- ``algebre`` : angles principaux entre sous-espaces, MSE ;
- ``modeles`` : dessin d'un modèle Keras, avec ou sans Graphviz ;
- ``verifications`` : données aux propriétés connues pour les cellules de test ;
- ``galerie`` : suivi de l'entraînement d'un GAN (galerie d'un lot latent fixe, pertes par pas) ;
- ``gans`` : le GAN au pas soigné (``GANAvance``, pertes de l'étudiant en arguments) et les réseaux
  du GAN conditionnel (``05_gan``, repris par ``06_applications``) ;
- ``vae`` : le VAE ordinaire ou conditionnel (fonctions de l'étudiant en arguments), les termes de la
  −ELBO par image (``04_vae``, ``06_applications``) ;
- ``voisins`` : plus proches voisins (distance et indice de la référence la plus proche), par paquets ;
- ``qualite`` : qualité des images générées (classifieur du cours, carré de la distance de Fréchet,
  diversité dans chaque classe).
- ``compression`` : tailles en octets (PNG, JPEG par Pillow, poids d'un modèle), figure débit–distorsion ;
- ``detection`` : courbe ROC d'un score d'anomalie, tracée ;
- ``colab`` : mise en route sur Google Colab (cellule en tête des notebooks, liens du README).

Usage dans un notebook : ``from course import budget, donnees, graphiques, quiz``, **avant**
``import keras`` ou ``import tensorflow``.

Seul effet du paquet lui-même : il fait taire les journaux de démarrage de TensorFlow, qui
arrivent sinon dans le notebook en encadrés d'erreur (« failed call to cuInit: CUDA error » sur
toute machine sans GPU), inquiétants pour un débutant et sans intérêt pour le cours :

- ``TF_CPP_MIN_LOG_LEVEL=3`` (si la variable n'est pas déjà fixée : une valeur choisie par
  l'utilisateur l'emporte) coupe les journaux C++ écrits après le démarrage ;
- les lignes écrites pendant ``import tensorflow`` lui-même (absl les écrit avant que ce réglage
  ne soit lu) sont retenues : le descripteur 2 (stderr) est détourné vers un fichier temporaire le
  temps de cet import, puis rétabli ; si l'import échoue, le texte retenu est réécrit sur stderr.

Rien d'autre ne change : un GPU présent reste utilisé, les erreurs Python restent des erreurs.
"""

import importlib.abc
import importlib.machinery
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _import_with_stderr_held(exec_module, module):
    """Exécute ``exec_module(module)`` avec le descripteur 2 détourné vers un fichier temporaire."""
    try:
        sys.stderr.flush()
        held = tempfile.TemporaryFile()
    except (OSError, ValueError, AttributeError):  # pas de dossier temporaire inscriptible
        exec_module(module)
        return
    try:
        saved = os.dup(2)
    except OSError:  # pas de descripteur 2 (pythonw, service)
        held.close()
        exec_module(module)
        return
    with held:
        os.dup2(held.fileno(), 2)
        try:
            exec_module(module)
        except BaseException:
            os.dup2(saved, 2)
            held.seek(0)
            os.write(2, held.read())
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


class _QuietTensorFlowFinder(importlib.abc.MetaPathFinder):
    """Trouve ``tensorflow`` comme d'habitude, mais l'importe avec stderr retenu."""

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        exec_module = spec.loader.exec_module
        spec.loader.exec_module = lambda module: _import_with_stderr_held(exec_module, module)
        return spec


if "tensorflow" not in sys.modules and not any(
    isinstance(finder, _QuietTensorFlowFinder) for finder in sys.meta_path
):
    sys.meta_path.insert(0, _QuietTensorFlowFinder())
