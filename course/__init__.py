"""Paquet du cours d'autoencodeurs, importé par chaque notebook.

Modules (un rôle chacun, aucun effet de bord à l'import) :

- ``budget`` : tailles des exécutions (époques, sous-ensembles) selon le mode ;
- ``donnees`` : chargement hors ligne de Fashion-MNIST, noms des classes ;
- ``graphiques`` : grilles d'images (originales et reconstructions) ;
- ``quiz`` : questions d'auto-évaluation à réponse immédiate ;
- ``interactif`` : curseur de l'ACP et explorateur de l'espace latent (figures vivantes ipympl) ;
- ``debruitage`` : curseur du bruit du débruiteur (``03_ae_convolutif``) ;
- ``algebre`` : angles principaux entre sous-espaces, MSE ;
- ``modeles`` : dessin d'un modèle Keras, avec ou sans Graphviz ;
- ``verifications`` : données aux propriétés connues pour les cellules de test.

Usage dans un notebook : ``from course import budget, donnees, graphiques, quiz``.
"""
