"""Correction d'une classe entière, sur nbgrader : ``python -m autograder corriger <devoir> <copies>``.

Un module (pour l'isolement, un sous-paquet) par étape, dans l'ordre du flux :

1. ``collect`` : lire les copies (dossier ``submitted/`` de nbgrader, dossier ou zip de
   ``<étudiant>_<devoir>.ipynb``, zip « télécharger tous les travaux » de Moodle) ;
2. ``isolation`` (sous-paquet ; les règles : ``docs/isolement.md``) : ``isolation.sandbox``, le bac
   à sable d'une exécution (bubblewrap, limites) ; ``isolation.forkserver``, le modèle de noyaux
   de chaque travailleur (``isolation/kernel_template.py``, préchargé dans son bac à sable), dont
   chaque copie est dupliquée dans des espaces de noms neufs ; ``isolation.scratch``, les dossiers
   temporaires, effacés même après un ``kill -9`` ;
3. ``execute`` : exécuter une copie préparée dans un noyau isolé et la noter, avec ``probes``
   (sondes et témoins), ``tampering`` (l'empreinte des fonctions des tests, dont le programme
   exécuté dans le noyau est ``kernel_programs/fingerprint.py``) et ``illustrations`` (cellules
   sautées) ; ``workers`` : sur des processus locaux en parallèle ; ``cluster`` : sur une grappe
   Dask ;
4. ``record`` : le carnet de notes nbgrader (préparation des copies, enregistrement des notes,
   fichiers ``submitted/``, ``autograded/``, ``feedback/``, reprise après interruption) ;
5. ``report`` : le tableau des notes, le fichier d'import Moodle, le résumé et sa figure.

``pipeline`` enchaîne les étapes ; ``cli`` lit la ligne de commande (``corriger`` pour
l'enseignant, ``auto-evaluer`` pour l'étudiant seul ; ``arguments`` : argparse en français).
Autour : ``feedback`` rend les pages de retour sans les tests cachés ; ``settings`` (délais et
arguments des noyaux) et ``executables`` (le PATH de l'environnement) sont lus aussi par
``nbgrader_config`` ; ``contract`` lit le contrat des exercices (``contrat.toml``).
"""
