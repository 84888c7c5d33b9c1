"""Cellules de contrôle : le noyau juge-t-il encore les tests ?

Une copie peut, en une ligne, changer la machinerie qui transforme le texte d'une cellule en code
exécuté et une exception en sortie d'erreur (transformateurs d'entrée et d'AST d'IPython, son
compilateur, les méthodes d'exécution du shell ou du noyau, crochets d'erreur, ``sys.settrace`` …).
Plutôt qu'une liste de ces ruses (il en manquera toujours une), le correcteur vérifie le résultat :

- **sondes** : avant chaque cellule de test qui suit une cellule modifiable par l'étudiant, et
  après la dernière cellule, il envoie par le même chemin que les cellules du notebook trois
  cellules de la forme des cellules de test (noms, nombres et forme tirés au hasard à chaque
  correction) dont il connaît d'avance l'issue : une
  ``AssertionError`` et une autre exception qui doivent revenir en erreur, avec un message calculé
  à l'exécution, et une cellule qui doit réussir et afficher une valeur calculée à l'exécution ;
- **témoin** : chaque cellule de test est envoyée suivie d'une assertion fausse dont le message
  est calculé à l'exécution. Si le test réussit, l'erreur du témoin doit revenir (elle est retirée
  de la sortie avant la notation) : une cellule de test vidée, sautée ou dont les erreurs sont
  avalées ne la renvoie pas.

Une sonde ou un témoin qui ne se comporte pas comme prévu : la copie est signalée
(« vérification impossible »), sa note reste hors du fichier Moodle, et le signalement nomme la
cellule après laquelle c'est arrivé. Les noms tirés (suffixe aléatoire) ne heurtent pas ceux de
l'étudiant ; les sondes effacent ce qu'elles définissent.
"""

import dataclasses
import random
import secrets

WORDS = ("attendu", "obtenu", "resultat", "valeurs", "ecart", "sortie", "lot", "codes", "total", "poids")
OTHER_ERRORS = ("AssertionError", "ValueError", "KeyError", "IndexError", "TypeError")


@dataclasses.dataclass
class Probe:
    """Une cellule de contrôle et son issue attendue.

    ``ename``/``evalue`` : l'erreur qui doit revenir (``None`` : aucune erreur ne doit revenir) ;
    ``stdout`` : une ligne qui doit apparaître sur la sortie ; ``forbidden`` : une ligne qui ne
    doit pas apparaître (le code qui suit l'erreur ne doit pas s'être exécuté) ; ``names`` : les
    noms que la cellule laisse dans l'espace de l'étudiant (effacés par la sonde suivante)."""

    source: str
    ename: str | None = None
    evalue: str | None = None
    stdout: str | None = None
    forbidden: str | None = None
    names: tuple = ()


class ProbeMaker:
    """Tire les sondes et les témoins d'une correction (graine secrète par défaut)."""

    def __init__(self, seed=None):
        self.random = random.Random(secrets.randbits(64) if seed is None else seed)

    def _name(self):
        return f"{self.random.choice(WORDS)}_{self.random.getrandbits(32):08x}"

    def _numbers(self):
        r = self.random
        return r.randrange(3, 997), r.randrange(0, 97), r.randrange(101, 10_007), r.randrange(20, 200)

    def failing_assertion(self):
        """Une instruction ``assert`` qui doit échouer (message calculé), sous une forme tirée."""
        a, b, m, n = self._numbers()
        v, i = self._name(), self._name()
        terms = [(a * k + b) % m for k in range(n)]
        value = sum(terms)
        if self.random.randrange(2):
            source = (f"{v} = sum(({a} * k + {b}) % {m} for k in range({n}))\n"
                      f"assert {v} == {value + self.random.randrange(1, 50)}, {v}\n"
                      f"print({v} + 1)\n")
            return Probe(source, "AssertionError", str(value), forbidden=str(value + 1), names=(v,))
        target = terms[self.random.randrange(n)]
        first = terms.index(target)
        source = (f"for {i} in range({n}):\n"
                  f"    assert ({a} * {i} + {b}) % {m} != {target}, f\"indice {{{i}}}\"\n"
                  f"print(\"fin\", {n})\n")
        return Probe(source, "AssertionError", f"indice {first}", forbidden=f"fin {n}", names=(i,))

    def failing_other(self):
        """Une cellule qui doit lever une exception sans instruction ``assert`` (message calculé)."""
        a, b, m, n = self._numbers()
        v = self._name()
        values = [(a * k + b) % m for k in range(n)]
        kind = self.random.choice(OTHER_ERRORS)
        if kind == "AssertionError":  # levée par raise, pas par une instruction assert
            source = (f"{v} = [({a} * k + {b}) % {m} for k in range({n})]\n"
                      f"if max({v}) - min({v}) != {-1 - self.random.randrange(50)}:\n"
                      f"    raise AssertionError(f\"écart {{max({v}) - min({v})}}\")\n"
                      f"print(len({v}))\n")
            return Probe(source, "AssertionError", f"écart {max(values) - min(values)}", forbidden=str(n),
                         names=(v,))
        if kind == "KeyError":
            key = sum(values) + n
            source = (f"{v} = {{k: ({a} * k + {b}) % {m} for k in range({n})}}\n"
                      f"print({v}[sum({v}.values()) + {n}])\n")
            return Probe(source, "KeyError", str(key), names=(v,))
        if kind == "IndexError":
            source = (f"{v} = [({a} * k + {b}) % {m} for k in range({n})]\n"
                      f"print({v}[len({v}) + {b}])\n")
            return Probe(source, "IndexError", "list index out of range", names=(v,))
        if kind == "TypeError":
            source = (f"{v} = sum(({a} * k + {b}) % {m} for k in range({n}))\n"
                      f"raise TypeError(f\"type inattendu {{{v}}}\")\n")
            return Probe(source, "TypeError", f"type inattendu {sum(values)}", names=(v,))
        source = (f"{v} = sorted(({a} * k + {b}) % {m} for k in range({n}))\n"
                  f"if {v}[-1] >= 0:\n"
                  f"    raise ValueError(f\"valeur {{{v}[-1]}}\")\n"
                  f"print({v}[0])\n")
        return Probe(source, "ValueError", f"valeur {max(values)}", forbidden=str(min(values)), names=(v,))

    def passing(self, leftovers=()):
        """Une cellule qui doit réussir et afficher une valeur calculée ; efface ``leftovers``."""
        a, b, m, n = self._numbers()
        v = self._name()
        value = sum((a * k + b) % m for k in range(n))
        c = self.random.randrange(2, 9)
        cleanup = "".join(f"del {name}\n" for name in (*leftovers, v))
        source = (f"{v} = sum(({a} * k + {b}) % {m} for k in range({n}))\n"
                  f"assert {v} == {value}, {v}\n"
                  f"print({v} * {c})\n{cleanup}")
        return Probe(source, stdout=str(value * c))

    def round(self):
        """Les trois sondes d'un point de contrôle, dans l'ordre d'envoi."""
        first, second = self.failing_assertion(), self.failing_other()
        return [first, second, self.passing(first.names + second.names)]

    def witness(self):
        """Le témoin d'une cellule de test : ``(lignes à ajouter, ename, evalue)``."""
        a, b, m = self.random.randrange(3, 997), self.random.randrange(3, 997), self.random.randrange(101, 10_007)
        value = (a * b) % m
        wrong = value + self.random.randrange(1, 50)
        if self.random.randrange(2):
            line = f"assert ({a} * {b}) % {m} == {wrong}, ({a} * {b}) % {m}\n"
        else:
            line = f"assert {wrong} == ({a} * {b}) % {m}, ({a} * {b}) % {m}\n"
        return line, "AssertionError", str(value)


def _stdout_lines(outputs):
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    return text.splitlines()


def judge(probe, outputs):
    """``None`` si la sonde s'est comportée comme prévu, sinon ce qui cloche (français)."""
    errors = [o for o in outputs if o.get("output_type") == "error"]
    lines = _stdout_lines(outputs)
    if probe.ename is None:
        if errors:
            return f"une cellule qui devait réussir a levé {errors[0].get('ename')}"
        if probe.stdout not in lines:
            return "une cellule qui devait afficher une valeur calculée ne l'a pas affichée"
        return None
    if not any(o.get("ename") == probe.ename and o.get("evalue") == probe.evalue for o in errors):
        seen = ", ".join(str(o.get("ename")) for o in errors) or "aucune erreur"
        return f"une cellule qui devait lever {probe.ename} n'a pas renvoyé cette erreur ({seen})"
    if probe.forbidden is not None and probe.forbidden in lines:
        return "le code qui suit une erreur s'est exécuté quand même"
    return None


def strip_witness(outputs, ename, evalue):
    """Retire l'erreur du témoin des sorties d'une cellule de test ; renvoie ``(sorties, problème)``.

    Le test a échoué avant le témoin (une autre erreur, sans celle du témoin) : rien à retirer.
    Aucune erreur du tout : le test n'a pas été jugé (cellule vidée, sautée, erreurs avalées)."""
    errors = [o for o in outputs if o.get("output_type") == "error"]
    mine = [o for o in errors if o.get("ename") == ename and o.get("evalue") == evalue]
    if not errors:
        return outputs, "cellule de test exécutée sans que son contrôle final ne revienne en erreur"
    if not mine:
        return outputs, None
    if len(errors) > 1:
        return outputs, "cellule de test dont une erreur n'a pas arrêté l'exécution"
    return [o for o in outputs if o is not mine[0]], None
