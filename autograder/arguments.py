"""argparse en français : ``FrenchArgumentParser``, pour ``python -m autograder`` et les bancs d'essai.

argparse écrit lui-même en anglais l'en-tête « usage: », les titres de l'aide, l'aide de ``-h`` et
ses messages d'erreur. Sans gettext (aucun catalogue à installer, aucun réglage global) :

- l'en-tête devient « utilisation : », les titres « arguments positionnels : » et « options : »,
  l'aide de ``-h`` « affiche cette aide et quitte » ;
- une erreur s'écrit « <programme> : erreur : <message> », le message d'argparse traduit par
  ``traduire`` (une table de motifs : ses messages sont stables d'une version de Python à l'autre).

Les sous-commandes (``add_subparsers``) héritent de la classe. Seul argparse est importé ici.
"""

import argparse
import re
import sys

PREFIX = "utilisation : "

TYPES = {"int": "nombre entier", "float": "nombre", "Path": "chemin"}
"""Nom français des types des arguments, dans « valeur invalide »."""

MESSAGES = (
    (r"the following arguments are required: ", "arguments obligatoires manquants : "),
    (r"one of the arguments (.*) is required", r"l'un des arguments \1 est obligatoire"),
    (r"unrecognized arguments: ", "arguments non reconnus : "),
    (r"^argument (\S+): ", r"argument \1 : "),
    (r"invalid choice: (.*?) \(choose from (.*)\)", r"choix invalide : \1 (choix possibles : \2)"),
    (r"unknown parser (.*?) \(choices: (.*)\)", r"commande inconnue : \1 (choix possibles : \2)"),
    (r"invalid (\w+) value: (.*)", lambda m: f"valeur invalide : {m[2]} ({TYPES.get(m[1], m[1])} attendu)"),
    (r"expected one argument", "une valeur attendue"),
    (r"expected at least one argument", "au moins une valeur attendue"),
    (r"expected at most one argument", "au plus une valeur attendue"),
    (r"expected (\d+) arguments?", r"\1 valeurs attendues"),
    (r"ambiguous option: (\S+) could match (.*)", r"option ambiguë : \1 peut désigner \2"),
    (r"not allowed with argument (.*)", r"incompatible avec l'argument \1"),
    (r"ignored explicit argument (.*)", r"valeur \1 ignorée"),
)


def traduire(message):
    """Le message d'erreur d'argparse en français (un message inconnu est rendu tel quel)."""
    for pattern, replacement in MESSAGES:
        message = re.sub(pattern, replacement, message)
    return message


class FrenchArgumentParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` dont l'aide, l'utilisation et les erreurs sont en français."""

    def __init__(self, *args, add_help=True, **kwargs):
        super().__init__(*args, add_help=False, **kwargs)
        # argparse ajoute « : » au titre ; l'espace qui le précède est la typographie française.
        self._positionals.title = "arguments positionnels "
        self._optionals.title = "options "
        if add_help:
            dash = "-" if "-" in self.prefix_chars else self.prefix_chars[0]
            self.add_argument(f"{dash}h", f"{dash * 2}help", action="help", default=argparse.SUPPRESS,
                              help="affiche cette aide et quitte")

    def _get_formatter(self):
        formatter = super()._get_formatter()
        add_usage = formatter.add_usage

        def french_usage(usage, actions, groups, prefix=None):
            return add_usage(usage, actions, groups, PREFIX if prefix is None else prefix)

        formatter.add_usage = french_usage
        return formatter

    def error(self, message):
        """Écrit l'utilisation et l'erreur en français sur stderr, puis quitte (code 2)."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {traduire(message)}\n")
