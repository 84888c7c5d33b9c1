"""Paquet du cours d'autoencodeurs, importé par chaque notebook.

Modules (un rôle chacun, aucun effet de bord à l'import) :

- ``budget`` : tailles des exécutions (époques, sous-ensembles) selon le mode ;
- ``donnees`` : chargement hors ligne de Fashion-MNIST, noms des classes ;
- ``graphiques`` : grilles d'images (originales et reconstructions) ;
- ``quiz`` : questions d'auto-évaluation à réponse immédiate.

Usage dans un notebook : ``from course import budget, donnees, graphiques, quiz``.
"""
