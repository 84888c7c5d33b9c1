"""Chaque notebook source s'exécute de bout en bout en budget rapide, et nbgrader le valide."""

import shutil
import time

import pytest
from nbclient import NotebookClient

from notebook_text import read
from paths import ROOT, assignments, nbgrader, source_notebook

RAPIDE_SECONDS = 60  # COURSE.md §3 : chaque notebook en 60 s au plus en budget rapide


@pytest.mark.parametrize("assignment", assignments())
def test_source_runs_top_to_bottom_in_the_rapide_budget(assignment, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_BUDGET", "rapide")
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    nb = read(source_notebook(assignment))
    start = time.perf_counter()
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    elapsed = time.perf_counter() - start
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert elapsed <= RAPIDE_SECONDS, f"{assignment} : {elapsed:.0f} s en budget rapide"


@pytest.mark.parametrize("assignment", assignments())
def test_nbgrader_validate_passes_the_source(assignment, tmp_path):
    work = tmp_path / assignment
    shutil.copytree(ROOT / "source" / assignment, work)
    result = nbgrader("validate", str(work / f"{assignment}.ipynb"), cwd=ROOT)
    assert "Success! Your notebook passes all the tests." in result.stdout, result.stdout
