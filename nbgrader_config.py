# Point d'entrée de nbgrader, lu depuis la racine du dépôt : toute la configuration est dans
# autograder/nbgrader_config.py.
c = get_config()  # noqa: F821 (fourni par traitlets)
load_subconfig("autograder/nbgrader_config.py")  # noqa: F821
