"""Les sondes et les témoins du correcteur (``autograder/probes.py``), sans noyau : chaque forme
tirée, exécutée par Python, donne exactement l'issue que le correcteur attend, et ce que ferait
une machinerie détournée (erreur avalée, cellule vidée, code exécuté après l'erreur) est vu."""

import contextlib
import io

from nbformat.notebooknode import NotebookNode

from autograder import probes

SEEDS = range(300)


def run(source, namespace):
    """Les sorties (format nbformat) de ``source`` exécuté par Python dans ``namespace``."""
    stdout, outputs = io.StringIO(), []
    with contextlib.redirect_stdout(stdout):
        try:
            exec(compile(source, "<sonde>", "exec"), namespace)  # noqa: S102 (code tiré par le test)
        except Exception as error:  # noqa: BLE001
            outputs.append(NotebookNode(output_type="error", ename=type(error).__name__, evalue=str(error)))
    if stdout.getvalue():
        outputs.insert(0, NotebookNode(output_type="stream", name="stdout", text=stdout.getvalue()))
    return outputs


def test_each_round_behaves_as_expected_and_cleans_up():
    for seed in SEEDS:
        namespace = {"deja_la": 1}
        for probe in probes.ProbeMaker(seed).round():
            assert probes.judge(probe, run(probe.source, namespace)) is None, probe.source
        assert set(namespace) - {"__builtins__"} == {"deja_la"}, seed


def test_rounds_take_every_form():
    sources = [p.source for seed in SEEDS for p in probes.ProbeMaker(seed).round()]
    for fragment in ("for ", "raise AssertionError", "raise ValueError", "raise TypeError", "KeyError",
                     "[len("):
        assert any(fragment in s or fragment == "KeyError" and ".values()) +" in s for s in sources), fragment
    first = [probes.ProbeMaker(seed).round()[0].source for seed in SEEDS]
    assert all("assert " in s for s in first), "la première sonde est toujours une instruction assert"


def test_witness_fails_with_its_computed_message():
    for seed in SEEDS:
        line, ename, evalue = probes.ProbeMaker(seed).witness()
        assert line.startswith("assert ")
        (output,) = run(line, {})
        assert (output.ename, output.evalue) == (ename, evalue), line


def failing_and_passing(seed=0):
    maker = probes.ProbeMaker(seed)
    return maker.failing_assertion(), maker.passing()


def test_swallowed_error_is_seen():
    failing, _ = failing_and_passing()
    assert "aucune erreur" in probes.judge(failing, [])


def test_error_without_the_computed_message_is_seen():
    failing, _ = failing_and_passing()
    forged = NotebookNode(output_type="error", ename="AssertionError", evalue="0")
    assert probes.judge(failing, [forged])


def test_code_after_the_error_is_seen():
    failing, _ = failing_and_passing(seed=1)
    namespace = {}
    outputs = run(failing.source, namespace)
    assert probes.judge(failing, outputs) is None
    if failing.forbidden is not None:
        after = NotebookNode(output_type="stream", name="stdout", text=failing.forbidden + "\n")
        assert probes.judge(failing, [*outputs, after]) == "le code qui suit une erreur s'est exécuté quand même"


def test_empty_or_failing_passing_probe_is_seen():
    _, passing = failing_and_passing()
    assert probes.judge(passing, [])
    error = NotebookNode(output_type="error", ename="NameError", evalue="x")
    assert probes.judge(passing, [error])


def test_strip_witness():
    _, ename, evalue = probes.ProbeMaker(3).witness()
    mine = NotebookNode(output_type="error", ename=ename, evalue=evalue)
    printed = NotebookNode(output_type="stream", name="stdout", text="ok\n")
    other = NotebookNode(output_type="error", ename="AssertionError", evalue="mauvaise forme")
    assert probes.strip_witness([printed, mine], ename, evalue) == ([printed], None)
    assert probes.strip_witness([other], ename, evalue) == ([other], None)  # le test a échoué avant
    assert probes.strip_witness([printed], ename, evalue)[1]  # cellule jamais jugée
    assert probes.strip_witness([other, mine], ename, evalue)[1]  # une erreur n'a rien arrêté
