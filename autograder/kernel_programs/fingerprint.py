# Programme d'empreinte de la détection de falsification (autograder/tampering.py).
#
# Le dossier autograder/kernel_programs/ réunit des programmes exécutés DANS le noyau de
# l'étudiant, pas des modules : ce fichier n'est jamais importé par le correcteur. ``tampering``
# le lit comme du texte, le fait précéder de la ligne ``CHEMINS = [...]`` et l'exécute dans le
# noyau par une expression utilisateur (sans sortie), dans un espace de noms neuf qui fournit :
#
#   CHEMINS      les noms surveillés (« numpy.allclose », « builtins.len »…), liste de textes ;
#   get_ipython  la fonction d'IPython du noyau.
#
# Il laisse dans cet espace ``resultat`` : l'empreinte, texte JSON {nom surveillé: empreinte}.
# Pour chaque nom : type, module, nom qualifié et condensé du bytecode ; les modules pas encore
# importés sont sautés (importés à la mise en place, ceux des tests le sont). Seulement la
# bibliothèque standard et ce que le noyau a déjà importé.

import builtins
import hashlib
import json
import sys
import threading as _fils

def _empreinte(objet):
    fonction = getattr(objet, "__func__", objet)
    code = getattr(fonction, "__code__", None)
    condense = ""
    if code is not None:
        condense = hashlib.sha1(code.co_code + repr(code.co_names).encode()).hexdigest()[:16]
    nom = getattr(objet, "__qualname__", getattr(objet, "__name__", ""))
    return "|".join((type(objet).__name__, str(getattr(objet, "__module__", "")), str(nom), condense))
resultat = {}
for chemin in CHEMINS:  # noqa: F821 (fourni par l'espace de noms)
    racine, *attributs = chemin.split(".")
    objet = builtins if racine == "builtins" else sys.modules.get(racine)
    if objet is None:
        continue
    try:
        for attribut in attributs:
            objet = getattr(objet, attribut)
        resultat[chemin] = _empreinte(objet)
    except Exception:
        resultat[chemin] = "absent"
shell = get_ipython()  # noqa: F821 (fourni par l'espace de noms)
resultat["IPython.showtraceback"] = _empreinte(shell.showtraceback)
resultat["IPython._showtraceback"] = _empreinte(shell._showtraceback)
resultat["IPython.custom_exceptions"] = repr(shell.custom_exceptions)
resultat["sys.excepthook"] = _empreinte(sys.excepthook)
resultat["sys.settrace"] = _empreinte(sys.gettrace())
resultat["sys.setprofile"] = _empreinte(sys.getprofile())
# Crochets d'IPython ajoutés par l'étudiant : ceux dont le code n'est pas dans l'installation
# Python, l'environnement ou le paquet course (IPython, ipykernel, matplotlib, ipympl y sont) ;
# ils pourraient remplacer une fonction le temps d'une cellule de test.
_sures = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix, __import__("os").path.dirname(
    getattr(sys.modules.get("course"), "__file__", None) or "/nulle/part")})
def _etranger(rappel):
    code = getattr(getattr(rappel, "__func__", rappel), "__code__", None)
    return code is None or not code.co_filename.startswith(_sures)
# La machinerie qui fait d'une cellule du code exécuté et d'une exception une sortie d'erreur :
# transformateurs, compilateur, méthodes du shell et du noyau (au niveau de l'instance et de la
# classe), crochets d'affichage, de trace et de profilage, fonctions natives. Identités seulement
# (un remplacement change l'identité) : quelques millisecondes.
def _classe(objet):
    return repr([(k.__qualname__, sorted((n, id(v)) for n, v in vars(k).items()))
                 for k in type(objet).__mro__ if k is not object])
def _instance(objet):
    return repr(sorted((n, type(v).__name__, id(v)) for n, v in vars(objet).items()
                       if callable(v) and not isinstance(v, type)))
def _liste(valeurs):
    return repr([(type(v).__qualname__, getattr(v, "__qualname__", ""), id(v)) for v in valeurs])
_machinerie = {"shell": shell, "noyau": getattr(shell, "kernel", None), "compilateur": shell.compile,
               "transformateurs": shell.input_transformer_manager, "affichage": shell.displayhook,
               "publication": shell.display_pub, "evenements": shell.events,
               "session": getattr(getattr(shell, "kernel", None), "session", None)}
for _nom, _objet in _machinerie.items():
    if _objet is not None:
        resultat[f"machinerie.{_nom}"] = hashlib.sha1((_classe(_objet) + _instance(_objet)).encode()).hexdigest()[:16]
        resultat[f"machinerie.{_nom}.identite"] = f"{type(_objet).__qualname__}:{id(_objet)}"
_gestionnaire = shell.input_transformer_manager
resultat["machinerie.transformateurs_entree"] = _liste(
    [*_gestionnaire.cleanup_transforms, *_gestionnaire.line_transforms, *_gestionnaire.token_transformers,
     *shell.input_transformers_post])
resultat["machinerie.transformateurs_ast"] = _liste(shell.ast_transformers)
resultat["sys.displayhook"] = _empreinte(sys.displayhook)
resultat["threading.trace"] = repr((_empreinte(getattr(_fils, "_trace_hook", None)),
                                    _empreinte(getattr(_fils, "_profile_hook", None))))
_suivi = getattr(sys, "monitoring", None)
if _suivi is not None:
    resultat["sys.monitoring"] = repr([_suivi.get_tool(i) for i in range(6)])
resultat["builtins"] = hashlib.sha1(repr(sorted((n, id(v)) for n, v in vars(builtins).items()
                                                if callable(v))).encode()).hexdigest()[:16]
resultat["IPython.events"] = repr(sorted(
    f"{evenement}:{getattr(rappel, '__qualname__', type(rappel).__name__)}"
    for evenement in ("pre_execute", "pre_run_cell", "post_execute", "post_run_cell")
    for rappel in shell.events.callbacks.get(evenement, []) if _etranger(rappel)))
resultat = json.dumps(resultat, sort_keys=True)
