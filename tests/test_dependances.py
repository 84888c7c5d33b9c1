"""La voie pip (requirements.txt) et la voie conda (environment.yml) épinglent les mêmes versions."""

import re

from paths import ROOT

PIN = re.compile(r"^\s*(?:-\s+)?([A-Za-z0-9_.\-]+)==([^\s#]+)")


def pins(path):
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found


def test_pip_and_conda_pin_the_same_versions():
    pip_pins = pins(ROOT / "requirements.txt")
    conda_pins = pins(ROOT / "environment.yml")
    assert pip_pins, "requirements.txt n'épingle rien"
    assert pip_pins == conda_pins


def test_every_pin_says_what_it_is_for():
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if PIN.match(line):
            assert "#" in line, f"dépendance sans commentaire : {line}"


def test_required_stack_is_pinned():
    pip_pins = pins(ROOT / "requirements.txt")
    assert pip_pins["tensorflow"].startswith("2.21.")
    assert pip_pins["keras"].startswith("3.")
    assert pip_pins["jupyterlab"].startswith("4.")
    assert pip_pins["nbgrader"].startswith("0.9.")
    assert pip_pins["ipywidgets"].startswith("8.")
    for name in ("matplotlib", "numpy", "pytest"):
        assert name in pip_pins


def test_conda_route_uses_python_311_and_installs_the_course_package():
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s*-\s*python=3\.11\s*$", text, re.M)
    assert re.search(r"^\s*-\s*-e \.", text, re.M)


def test_installed_versions_match_the_pins():
    from importlib import metadata

    for name, version in pins(ROOT / "requirements.txt").items():
        assert metadata.version(name) == version, name
