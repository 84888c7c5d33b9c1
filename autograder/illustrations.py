"""Cellules d'illustration : ce que le correcteur de classe peut ne pas exécuter.

Une cellule de code que l'enseignant marque de l'étiquette ``illustration`` (métadonnée ``tags``
du notebook source, voir ``[conventions] illustration`` dans ``contrat.toml``) ne sert que la
démonstration : les données chargées pour les figures, un entraînement pour une figure, une figure,
une mesure, un quiz d'entraînement. Aucun test n'en a besoin, si
bien que le correcteur de classe (``python -m autograder``) la saute — avec une règle qui ne
dépend pas seulement de l'étiquette :

- une cellule de nbgrader (solution, test, cellule verrouillée) n'est jamais sautée, même
  étiquetée : l'étudiant ne peut pas faire sauter un test ni sa propre réponse ;
- une cellule étiquetée n'est sautée que si aucun nom qu'elle définit n'est lu par une cellule
  exécutée après elle. L'analyse lit le texte de la copie elle-même (réponses de l'étudiant
  comprises) : une réponse qui se sert d'une variable définie par une illustration la retrouve,
  et la cellule qui la définit est exécutée comme sous ``nbgrader autograde``.

Ce que l'étiquette promet, et que l'analyse ne voit pas : la cellule ne modifie rien dont un test
dépend hors des noms qu'elle définit (entraîner un modèle qu'un test relit, par exemple, en
ferait une cellule à ne pas marquer). ``tests/test_illustrations.py`` vérifie que les tests cachés
des notebooks donnent les mêmes points avec et sans les cellules sautées.

``nbgrader autograde`` n'en sait rien et exécute tout le notebook. Les modes ``complet`` et
``rapide`` ne changent pas non plus.
"""

import ast

TAG = "illustration"
# Ce qui lit des noms que le texte ne montre pas (commandes magiques, traduites en get_ipython()…,
# eval, globals()…) : une cellule qui s'en sert peut tout lire.
DYNAMIC_READS = {"get_ipython", "eval", "exec", "globals", "locals", "vars", "__builtins__", "__import__",
                 "__main__"}
SKIPPED_TEXT = ("Cellule d'illustration : non exécutée pendant la correction (aucun test ni aucune "
                "de vos réponses n'en dépend).\n")


def tagged(cell):
    """La cellule porte-t-elle l'étiquette ``illustration`` ?"""
    return TAG in (cell.get("metadata", {}).get("tags") or [])


def skipped_cells(nb):
    """Indices (dans ``nb.cells``) des cellules de code que la correction peut sauter.

    Analyse de vivacité à rebours sur les noms globaux : une cellule étiquetée, hors nbgrader, est
    sautée si aucun des noms qu'elle peut lier (à n'importe quelle profondeur, par excès) n'est lu
    ensuite par une cellule exécutée ; les lectures comptent par excès (corps des fonctions
    compris), les liaisons qui les effacent par défaut (affectations du premier niveau seulement).
    Une cellule illisible (erreur de syntaxe) ne lie ni ne lit rien : elle lèvera à l'exécution.
    Une cellule qui peut lire des noms que son texte ne montre pas (commandes magiques d'IPython,
    ``eval``, ``globals()``…) les lit tous : aucune cellule avant elle n'est sautée.
    """
    live, skipped, everything = set(), set(), False
    for index in reversed(range(len(nb.cells))):
        cell = nb.cells[index]
        if cell.cell_type != "code":
            continue
        names = _names(cell.source)
        if names is None:
            continue  # exécutée telle quelle (elle lèvera SyntaxError), ne lie ni ne lit rien
        may_bind, kills, reads = names
        if tagged(cell) and not _is_nbgrader(cell) and not everything and not (may_bind & live):
            skipped.add(index)
            continue
        if reads is None:
            everything = True
        else:
            live = (live - kills) | reads
    return skipped


def _is_nbgrader(cell):
    """Cellule de nbgrader : solution, test ou verrouillée."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("solution") or meta.get("grade") or meta.get("locked"))


def _names(source):
    """``(peut lier, lie sûrement, lit)`` pour le texte d'une cellule (lit : None si elle peut
    tout lire), ou None si elle est illisible."""
    tree, dynamic = _parse(source)
    if tree is None:
        return None
    # Toutes profondeurs (par excès), noms déclarés ``global`` dans une fonction compris.
    may_bind = {name for node in ast.walk(tree)
                for name in (node.names if isinstance(node, ast.Global) else _bound_by(node))}
    kills = set().union(*(_plain_bindings(statement) for statement in tree.body))
    return may_bind, kills, None if dynamic else _block_reads(tree.body)


def _block_reads(statements, bound=()):
    """Noms qu'une suite d'instructions peut lire avant de les avoir liés elle-même (``bound`` :
    liés avant la suite, par exemple la variable d'une boucle)."""
    kills, reads = set(bound), set()
    for statement in statements:
        reads |= _reads(statement) - kills
        kills |= _plain_bindings(statement)
    return reads


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _reads(node):
    """Noms globaux que ``node`` peut lire, selon les portées de Python : les variables locales
    d'une fonction (paramètres, noms affectés dans son corps) et d'une compréhension n'en sont
    pas ; ``x += 1`` et ``del x`` lisent ``x``."""
    if isinstance(node, ast.Name):
        return {node.id} if isinstance(node.ctx, (ast.Load, ast.Del)) else set()
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        return {node.target.id} | _reads(node.value)
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return (_reads(node.iter) | _reads(node.target)
                | _block_reads(node.body, _stored([node.target])) | _block_reads(node.orelse))
    if isinstance(node, (ast.With, ast.AsyncWith)):
        targets = [item.optional_vars for item in node.items if item.optional_vars is not None]
        return set().union(*(_reads(item) for item in node.items)) | _block_reads(node.body, _stored(targets))
    if isinstance(node, (ast.If, ast.While)):
        return _reads(node.test) | _block_reads(node.body) | _block_reads(node.orelse)
    if isinstance(node, ast.Try | getattr(ast, "TryStar", ast.Try)):
        handlers = set().union(*((_reads(h.type) if h.type else set()) | _block_reads(h.body, {h.name} - {None})
                                 for h in node.handlers))
        return (_block_reads(node.body) | handlers | _block_reads(node.orelse)
                | _block_reads(node.finalbody))
    if isinstance(node, _FUNCTIONS):
        arguments = node.args
        outside = [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]
        if not isinstance(node, ast.Lambda):
            outside += [*node.decorator_list, *(a.annotation for a in _parameters(arguments) if a.annotation)]
            if node.returns:
                outside.append(node.returns)
        body = [node.body] if isinstance(node, ast.Lambda) else node.body
        local = {a.arg for a in _parameters(arguments)} | _stored(body)
        declared = {name for statement in body for n in _walk_scope(statement)
                    if isinstance(n, ast.Global) for name in n.names}
        inner = _reads(node.body) if isinstance(node, ast.Lambda) else _block_reads(body)
        return set().union(*(_reads(n) for n in outside)) | (inner - (local - declared))
    if isinstance(node, _COMPREHENSIONS):
        local = _stored([generator.target for generator in node.generators])
        parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        parts += [n for generator in node.generators for n in (*generator.ifs,)]
        first = _reads(node.generators[0].iter)  # évalué dans la portée englobante
        later = set().union(*(_reads(generator.iter) for generator in node.generators[1:]))
        return first | (set().union(*(_reads(n) for n in parts)) | later) - local
    return set().union(*(_reads(child) for child in ast.iter_child_nodes(node)))


def _parameters(arguments):
    return [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
            *(a for a in (arguments.vararg, arguments.kwarg) if a is not None)]


def _walk_scope(node):
    """Les nœuds de ``node`` dans sa propre portée (sans descendre dans les fonctions, classes et
    compréhensions imbriquées, dont seul le nœud lui-même est donné)."""
    yield node
    if isinstance(node, (*_FUNCTIONS, ast.ClassDef, *_COMPREHENSIONS)):
        return
    for child in ast.iter_child_nodes(node):
        yield from _walk_scope(child)


def _stored(nodes):
    """Noms liés dans la portée de ``nodes`` (affectations, boucles, imports, définitions)."""
    return {name for top in nodes for node in _walk_scope(top) for name in _bound_by(node)}


def _bound_by(node):
    """Les noms que lie le nœud lui-même (affectation, ``del``, ``:=``, définition, import,
    ``except … as``, motif de ``match``)."""
    if isinstance(node, ast.Name):
        return (node.id,) if isinstance(node.ctx, (ast.Store, ast.Del)) else ()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return (node.name,)
    if isinstance(node, ast.alias):
        return ((node.asname or node.name).split(".")[0],)
    if isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
        return (node.name,)
    return ()


def _plain_bindings(statement):
    """Noms liés sans condition par une instruction du premier niveau d'une cellule."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {statement.name}
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in statement.names if alias.name != "*"}
    targets = []
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        targets = [statement.target]
    # Seuls les noms eux-mêmes sont en Store : dans x[0] = … ou x.a = …, x est lu, pas lié.
    return {node.id for target in targets for node in ast.walk(target)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}


def _parse(source):
    """``(arbre, dynamique)`` : l'arbre syntaxique du texte, ses commandes magiques d'IPython
    traduites (None s'il est illisible), et s'il peut lire des noms que son texte ne montre pas."""
    from IPython.core.inputtransformer2 import TransformerManager  # noqa: PLC0415 (léger, seulement ici)

    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return None, False
    return tree, any(isinstance(node, ast.Name) and node.id in DYNAMIC_READS for node in ast.walk(tree))
