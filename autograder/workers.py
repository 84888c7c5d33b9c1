"""Étape 3 (suite) : où s'exécutent les copies.

Une tâche = une copie préparée (un notebook d'un étudiant) ; ``grade_task`` la corrige et renvoie
un dictionnaire (notebook exécuté, points, évènements, retour HTML) : rien ne passe par un système
de fichiers partagé. ``LocalWorkers`` répartit les tâches sur N processus de cette machine ; une
grappe (Dask) n'est qu'un autre ``run`` qui renvoie les mêmes dictionnaires. Une tâche de
vérification préalable (``preflight``) est corrigée de même : c'est la solution de l'enseignant,
que ``pipeline`` juge avant d'enregistrer la moindre copie.
"""

import concurrent.futures
import dataclasses
import multiprocessing
import os

from .isolation.sandbox import die_with_parent


@dataclasses.dataclass
class Task:
    """Une copie à corriger : qui, quoi, et comment (limites et isolement, sérialisables)."""

    assignment: str
    student: str
    notebook: str          # copie préparée par record.prepare (JSON)
    limits: dict           # champs de isolation.sandbox.Limits
    sandbox: str           # "bwrap" ou "minimal"
    preload: bool = True   # noyau dupliqué du modèle de noyaux du travailleur (isolation/forkserver.py)
    preflight: bool = False  # vérification préalable : la solution de l'enseignant, pas une copie
    worker: str | None = None  # travailleur Dask où la vérifier (None : n'importe lequel)

    def key(self):
        if self.preflight:
            return {"assignment": self.assignment, "student": self.student, "preflight": True,
                    "worker": self.worker}
        return {"assignment": self.assignment, "student": self.student}


def grade_task(task):
    """Corrige une copie ; renvoie ``{"assignment", "student", ...champs de execute.Graded}`` ou
    ``{"assignment", "student", "error"}`` si le correcteur lui-même a échoué (noyau impossible à démarrer…)."""
    from .execute import grade_notebook  # noqa: PLC0415 (importé dans le travailleur)
    from .isolation.sandbox import Limits  # noqa: PLC0415

    try:
        graded = grade_notebook(task.notebook, Limits(**task.limits), task.sandbox, task.preload,
                                task.assignment)
    except Exception as error:  # noqa: BLE001 (une copie ne doit jamais arrêter la correction)
        return {**task.key(), "error": f"{type(error).__name__}: {str(error)[:300]}"}
    return {**task.key(), **dataclasses.asdict(graded)}


class LocalWorkers:
    """N processus de cette machine (``spawn`` : chacun démarre propre), qui meurent avec le
    processus qui les a lancés (sinon, orphelins, ils continueraient les copies en attente)."""

    def __init__(self, count):
        self.count = max(1, int(count))

    def describe(self):
        return f"{self.count} processus locaux"

    def preflight_targets(self):
        """Où vérifier la solution de l'enseignant : une fois (les processus sont identiques)."""
        return [None]

    def run(self, tasks):
        """Corrige ``tasks`` en parallèle, dans l'ordre de la liste (les vérifications préalables,
        en tête, partent les premières) ; produit les résultats dans l'ordre où ils arrivent."""
        if not tasks:
            return
        context = multiprocessing.get_context("spawn")
        pool = concurrent.futures.ProcessPoolExecutor(
            self.count, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),))
        try:
            futures = {pool.submit(grade_task, task): task for task in tasks}
            for future in concurrent.futures.as_completed(futures):
                try:
                    yield future.result()
                except Exception as error:  # noqa: BLE001 (travailleur perdu : la copie sera refaite)
                    yield {**futures[future].key(), "error": f"travailleur perdu ({error})"}
        except BaseException:
            # Interruption (Ctrl-C, générateur abandonné) : les copies en attente ne sont pas
            # lancées, les travailleurs sont arrêtés avec leurs noyaux ; ce qui est déjà corrigé
            # est dans le carnet, une nouvelle commande reprend le reste.
            processes = list((pool._processes or {}).values())  # noqa: SLF001 (pas d'API publique)
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.kill()
            raise
        pool.shutdown(wait=True)
