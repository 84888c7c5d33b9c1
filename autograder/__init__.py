"""Correction d'une classe entière, sur nbgrader : ``python -m autograder corriger <devoir> <copies>``.

Un module par étape, dans l'ordre du flux :

1. ``collect`` : lire les copies (dossier ``submitted/`` de nbgrader, dossier ou zip de
   ``<étudiant>_<devoir>.ipynb``, zip « télécharger tous les travaux » de Moodle) ;
2. ``sandbox`` : le bac à sable d'une exécution (bubblewrap, limites) ; ``forkserver`` : le
   modèle de noyaux de chaque travailleur (``kernel_template``, préchargé dans son bac à sable),
   dont chaque copie est dupliquée dans des espaces de noms neufs ;
3. ``execute`` : exécuter une copie préparée dans un noyau isolé et la noter ; ``workers`` : sur
   des processus locaux en parallèle (ou une grappe) ;
4. ``record`` : le carnet de notes nbgrader (préparation des copies, enregistrement des notes,
   fichiers ``submitted/``, ``autograded/``, ``feedback/``, reprise après interruption) ;
5. ``report`` : le tableau des notes, le fichier d'import Moodle, le résumé et sa figure.

``feedback`` rend les pages de retour sans les tests cachés ; ``cli`` lit la ligne de commande
(``corriger`` pour l'enseignant, ``auto-evaluer`` pour l'étudiant seul).
"""
