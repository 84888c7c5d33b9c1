"""L'isolement des copies : ce qui sépare le code d'un étudiant de la machine qui le corrige.

Les règles elles-mêmes (ce qu'une copie peut faire ou non, et le test qui prouve chacune) sont
décrites en un seul endroit, ``docs/isolement.md`` ; ce sous-paquet les applique :

- ``sandbox`` : le bac à sable d'une exécution (bubblewrap, ou isolement minimal sans lui), ses
  limites (``Limits`` : temps, mémoire, disque, processus, processeur), le groupe de contrôle de
  chaque copie (``CopyGroup``) et le « fil de vie » qui tue le noyau avec son correcteur ;
- ``forkserver`` : le modèle de noyaux de chaque travailleur, d'où chaque copie est dupliquée
  dans des espaces de noms neufs ;
- ``kernel_template.py`` : le programme de ce modèle, lancé dans son bac à sable (jamais importé :
  ``forkserver`` le lit comme du texte et l'envoie au ``python`` du bac à sable) ;
- ``scratch`` : les dossiers temporaires du correcteur, effacés même quand leur propriétaire a été
  tué.

Ce sous-paquet n'importe du reste d'``autograder`` que ``settings`` : l'exécution
(``execute``), la répartition (``workers``, ``cluster``) et le flux (``pipeline``) s'en servent,
jamais l'inverse.
"""
