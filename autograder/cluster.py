"""Étape 3 (suite) : corriger sur une grappe Dask, avec un carnet de notes PostgreSQL.

``DaskWorkers`` a la même interface que ``workers.LocalWorkers`` (``describe()``, ``run(tasks)``) :
chaque copie est **une** tâche Dask, ``workers.grade_task(task)``, qui reçoit la copie préparée
(JSON) et renvoie un dictionnaire (notebook exécuté, points, retour HTML). Les travailleurs ne
voient ni le carnet de notes ni les fichiers du cours : seul le processus de l'enseignant écrit
dans le carnet. Le bac à sable (bubblewrap) est lancé **sur le travailleur**, par ``grade_task`` :
l'isolement y est le même qu'en local.

Mettre en place la grappe
-------------------------

Sur chaque machine de la grappe, installez le cours comme sur la vôtre (même dépôt, même
environnement ``.venv`` avec ``scripts/installer.sh``, données Fashion-MNIST, paquet Debian
``bubblewrap`` : ``bwrap`` doit exister et marcher sur **chaque** travailleur, sinon la correction
refuse de démarrer, sauf en isolement minimal). Puis :

1. sur une machine (l'ordonnanceur, port 8786 par défaut) ::

       cd /chemin/du/cours && source .venv/bin/activate
       dask scheduler

2. sur chaque machine de calcul, un processus par copie corrigée en parallèle, chacun sur un
   seul fil (le paquet ``autograder`` est installé dans ``.venv`` avec le cours) ::

       source /chemin/du/cours/.venv/bin/activate
       dask worker tcp://ORDONNANCEUR:8786 --nworkers 4 --nthreads 1

   (``--nworkers`` : au plus le nombre de cœurs, et assez de mémoire pour autant de copies :
   4 Gio chacune par défaut). Un travailleur qui ne trouve pas ``autograder``, ou dont
   bubblewrap ne marche pas, est signalé avant toute correction ; puis la solution de
   l'enseignant (``source/``) est corrigée sur chaque travailleur, avant toute copie : un
   travailleur qui ne lui donne pas tous les points (paquet ``course`` ou données introuvables
   dans son bac à sable…) est refusé, et la commande s'arrête sans rien écrire ;

3. sur votre machine, à la racine du cours ::

       python -m autograder corriger 04_vae copies.zip --dask tcp://ORDONNANCEUR:8786 \\
           --base postgresql://correcteur@SERVEUR/notes

Un travailleur qui meurt en pleine correction (machine arrêtée, mémoire) n'arrête rien : Dask
relance sa copie sur un autre travailleur (trois fois au plus) ; une copie qui échoue encore est
signalée comme « erreur du correcteur » et sera refaite à la prochaine commande.

Le carnet de notes (``--base``) n'est ouvert que par votre machine : un serveur PostgreSQL que
vous seul joignez suffit (``postgresql://utilisateur@serveur/base`` : le pilote psycopg 3 du cours
est choisi par ``with_psycopg_driver``). ``check_database`` vérifie, avant toute chose, qu'il
répond.
"""

import contextlib
import sys
import uuid


def _probe_worker():
    """Sur un travailleur : ``(erreur d'import d'autograder ou None, problème de bubblewrap ou None)``."""
    import importlib  # noqa: PLC0415

    try:
        sandbox = importlib.import_module("autograder.isolation.sandbox")
    except Exception as error:  # noqa: BLE001
        return f"{type(error).__name__}: {error}", None
    return None, sandbox.bwrap_problem()


class DaskWorkers:
    """Les travailleurs d'une grappe Dask (``dask scheduler`` + ``dask worker``).

    La connexion se fait à la construction : un ordonnanceur injoignable, ou un travailleur sans
    ``autograder`` ou sans bubblewrap, lève ``RuntimeError`` (en français) avant que rien ne soit
    écrit dans le carnet de notes. ``require_bwrap=False`` (isolement minimal demandé) n'exige pas
    bubblewrap sur les travailleurs.
    """

    def __init__(self, address, timeout="10s", require_bwrap=True, retries=3):
        import distributed  # noqa: PLC0415 (Dask ne se charge que pour une grappe)

        self.address, self.retries = address, retries
        try:
            self.client = distributed.Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            reason = (f"adresse refusée : {error}" if isinstance(error, ValueError)
                      else f"pas de réponse en {timeout}")
            raise RuntimeError(
                f"Ordonnanceur Dask injoignable à {address} ({reason}) : démarrez `dask scheduler` "
                f"sur la machine de l'ordonnanceur et `dask worker {address} --nthreads 1` (environnement du "
                "cours actif) sur chaque machine de calcul, puis relancez."
            ) from None
        try:
            self._check_workers(require_bwrap)
        except BaseException:
            self.close()
            raise

    def _check_workers(self, require_bwrap):
        """Chaque travailleur déjà connecté importe-t-il ``autograder`` ? A-t-il bubblewrap ?"""
        import cloudpickle  # noqa: PLC0415

        # La sonde voyage par valeur : un travailleur sans ``autograder`` doit pouvoir la lire.
        cloudpickle.register_pickle_by_value(sys.modules[__name__])
        try:
            answers = self.client.run(_probe_worker, on_error="return")
        finally:
            cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
        missing, no_bwrap = [], []
        for worker, answer in sorted(answers.items()):
            if isinstance(answer, BaseException):
                missing.append(f"{worker} ({type(answer).__name__}: {answer})")
                continue
            import_error, bwrap = answer
            if import_error:
                missing.append(f"{worker} ({import_error})")
            elif bwrap and require_bwrap:
                no_bwrap.append(f"{worker} ({bwrap})")
        if missing:
            raise RuntimeError(
                "Travailleur(s) Dask sans le correcteur : " + " ; ".join(missing) + ". Lancez-les "
                "dans l'environnement du cours (`source /chemin/du/cours/.venv/bin/activate && "
                "dask worker …`, paquet installé par scripts/installer.sh)."
            )
        if no_bwrap:
            raise RuntimeError(
                "bubblewrap ne marche pas sur : " + " ; ".join(no_bwrap) + ". Installez-le sur "
                "chaque travailleur (apt-get install bubblewrap), ou demandez --isolement minimal."
            )

    def workers(self):
        """Le nombre de travailleurs connectés maintenant."""
        return len(self.client.nthreads())

    def describe(self):
        count = self.workers()
        if count == 0:
            return (f"grappe Dask {self.address}, aucun travailleur connecté pour l'instant "
                    "(les copies attendent qu'un `dask worker` s'y connecte)")
        return f"grappe Dask {self.address}, {count} travailleur{'s' if count > 1 else ''}"

    def preflight_targets(self):
        """Où vérifier la solution de l'enseignant : sur chaque travailleur connecté (son
        environnement peut différer des autres), ou n'importe où s'il n'y en a pas encore."""
        return sorted(self.client.nthreads()) or [None]

    def run(self, tasks):
        """Une tâche Dask par copie ; produit les résultats dans l'ordre où ils arrivent.

        Une vérification préalable (``task.preflight``) passe avant les copies, sur son travailleur
        (``task.worker``) ; les copies vont de préférence aux travailleurs ainsi vérifiés. Limite :
        un travailleur arrivé ou relancé après n'est pas vérifié ; Dask peut lui confier une copie
        s'il est libre quand les vérifiés sont occupés (vol de tâches), ou s'il n'en reste aucun.
        """
        import distributed  # noqa: PLC0415

        from .workers import grade_task  # noqa: PLC0415

        if not tasks:
            return
        batch = uuid.uuid4().hex[:8]
        checked = sorted({task.worker for task in tasks if task.preflight and task.worker})
        futures = {}
        for number, task in enumerate(tasks):
            if task.preflight:
                key = f"verifier-{task.assignment}-{number}-{batch}"
                where = {"workers": [task.worker]} if task.worker else {}
                where["priority"] = 1
            else:
                key = f"corriger-{task.assignment}-{task.student}-{batch}"
                where = {"workers": checked} if checked else {}
            if where.get("workers"):
                where["allow_other_workers"] = True  # travailleurs morts : ailleurs plutôt que jamais
            future = self.client.submit(grade_task, task, pure=False, retries=self.retries, key=key, **where)
            futures[future] = task
        try:
            for future in distributed.as_completed(futures, loop=self.client.loop):
                task = futures.pop(future)
                try:
                    result = future.result()
                except Exception as error:  # noqa: BLE001 (travailleurs perdus : copie à refaire)
                    result = {**task.key(), "error": f"tâche Dask échouée ({type(error).__name__}: "
                                                     f"{str(error)[:300]})"}
                future.release()
                yield result
        finally:
            # Correction interrompue (Ctrl-C) : rien ne doit continuer de tourner sur la grappe.
            if futures:
                with contextlib.suppress(Exception):
                    self.client.cancel(list(futures))

    def close(self):
        with contextlib.suppress(Exception):
            self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def with_psycopg_driver(url):
    """L'URL telle que SQLAlchemy peut l'ouvrir ici : ``postgresql://`` désigne le pilote psycopg 3
    (installé avec le cours), pas psycopg2 (le défaut de SQLAlchemy, absent)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def check_database(url):
    """Vérifie que le carnet de notes ``url`` (URL SQLAlchemy) s'ouvre ; renvoie l'URL à utiliser
    (voir ``with_psycopg_driver``). Lève ``RuntimeError`` (français) si le serveur refuse.

    Un chemin ou une URL ``sqlite:`` n'est pas vérifié (le fichier se crée au besoin).
    """
    import sqlalchemy  # noqa: PLC0415

    if not url or "://" not in url or url.startswith("sqlite:"):
        return url
    url = with_psycopg_driver(url)
    try:
        parsed = sqlalchemy.engine.make_url(url)
        shown = parsed.render_as_string(hide_password=True)
        options = {"connect_timeout": 10} if parsed.get_backend_name() == "postgresql" else {}
        engine = sqlalchemy.create_engine(url, connect_args=options, poolclass=sqlalchemy.pool.NullPool)
    except (sqlalchemy.exc.ArgumentError, sqlalchemy.exc.NoSuchModuleError, ImportError) as error:
        raise RuntimeError(f"URL de base de notes invalide : {url} ({error}).") from None
    try:
        with engine.connect():
            pass
    except sqlalchemy.exc.SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:300]
        raise RuntimeError(
            f"Base de notes injoignable : {shown} (réponse : {reason}). Vérifiez que PostgreSQL est "
            "démarré, qu'il écoute à cette adresse et que la base existe (createdb), puis relancez."
        ) from None
    finally:
        engine.dispose()
    return url
