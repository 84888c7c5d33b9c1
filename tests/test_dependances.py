"""La voie pip (requirements.txt) et la voie conda (environment.yml) épinglent les mêmes versions."""

import re
import shutil
import subprocess
import tomllib

from packaging.specifiers import SpecifierSet
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


def installer_versions():
    """Les versions de Python que scripts/installer.sh accepte (PYTHONS_PRIS_EN_CHARGE)."""
    text = (ROOT / "scripts" / "installer.sh").read_text(encoding="utf-8")
    return re.search(r"^PYTHONS_PRIS_EN_CHARGE=\(([^)]*)\)", text, re.M).group(1).split()


def declared_range():
    with open(ROOT / "pyproject.toml", "rb") as f:
        return SpecifierSet(tomllib.load(f)["project"]["requires-python"])


def test_declared_python_range_is_what_the_installer_accepts():
    assert installer_versions() == ["3.13", "3.12", "3.11"]  # de la plus récente à la plus ancienne
    accepted = [f"3.{minor}" for minor in range(30) if f"3.{minor}" in declared_range()]
    assert sorted(accepted) == sorted(installer_versions())


def test_conda_route_uses_one_supported_python_and_installs_the_course_package():
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    versions = re.findall(r"^\s*-\s*python\s*=\s*(\S+)\s*(?:#.*)?$", text, re.M)
    assert versions == ["3.12"], "une seule ligne python, celle de Colab et d'Ubuntu 24.04 LTS"
    assert versions[0] in installer_versions()
    assert re.search(r"^\s*-\s*-e \.", text, re.M)


# --- Le choix du Python par scripts/installer.sh, avec de faux interpréteurs -----------------------

def fake_python(folder, name, version, venv_module=True):
    """Un faux interpréteur ``name`` : affiche ``version`` (réponse à la question de version) ;
    sans ``venv_module``, la vérification ``import venv, ensurepip`` échoue ; ``version`` None :
    ne démarre pas (comme un raccourci pyenv d'une version non choisie). ``-m venv DOSSIER`` y
    crée un environnement dont le python est un faux de la même version ; ``-m pip`` ne fait rien."""
    script = folder / name
    if version is None:
        body = f'echo "pyenv: {name}: command not found" >&2; exit 127\n'
    else:
        body = (
            'if [ "$1" = -m ] && [ "$2" = venv ]; then mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; exit 0; fi\n'
            'if [ "$1" = -m ]; then exit 0; fi\n'
            + ("" if venv_module else 'case "$2" in *ensurepip*) exit 1;; esac\n')
            + f"echo {version}\n")
    script.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    script.chmod(0o755)


def installer(folder, *args, **env):
    """Lance scripts/installer.sh avec pour seul PATH ``folder`` (faux interpréteurs et quelques
    outils du système, liés) ; renvoie le CompletedProcess."""
    for tool in ("cat", "cksum", "cut", "rm", "id", "mkdir", "cp"):
        if not (folder / tool).exists():
            (folder / tool).symlink_to(shutil.which(tool))
    return subprocess.run([shutil.which("bash"), str(ROOT / "scripts" / "installer.sh"), *args],
                          env={"PATH": str(folder), "HOME": str(folder), **env},
                          capture_output=True, text=True, timeout=60)


def test_installer_takes_the_newest_supported_python(tmp_path):
    fake_python(tmp_path, "python3.13", None)
    fake_python(tmp_path, "python3.12", "3.12")
    fake_python(tmp_path, "python3", "3.10")
    result = installer(tmp_path, "--choisir-python")
    assert (result.returncode, result.stdout) == (0, "Python 3.12 (python3.12)\n"), result.stderr


def test_installer_says_why_each_python_was_refused(tmp_path):
    fake_python(tmp_path, "python3.13", None)
    fake_python(tmp_path, "python3.11", "3.11", venv_module=False)
    fake_python(tmp_path, "python3", "3.10")
    result = installer(tmp_path, "--choisir-python")
    assert result.returncode == 1
    assert result.stderr.splitlines()[:5] == [
        "Aucun Python pris en charge (3.13 3.12 3.11) n'a été trouvé "
        "(essayés : python3.13 python3.12 python3.11 python3 python).",
        "Trouvés mais refusés :",
        "  - python3.13 : ne démarre pas (pyenv: python3.13: command not found)",
        "  - python3.11 : Python 3.11 sans le module venv (Debian/Ubuntu : sudo apt-get install python3.11-venv)",
        "  - python3 : Python 3.10, hors des versions prises en charge (3.13 3.12 3.11)",
    ]


def test_installer_refuses_an_unsupported_python_named_by_python(tmp_path):
    fake_python(tmp_path, "python3.12", "3.12")
    fake_python(tmp_path, "python3", "3.10")
    result = installer(tmp_path, "--choisir-python", PYTHON="python3")
    assert result.returncode == 1
    assert result.stderr.startswith(
        "PYTHON=python3 ne convient pas : Python 3.10, hors des versions prises en charge (3.13 3.12 3.11).")


def test_installer_recreates_the_environment_for_another_python(tmp_path):
    fake_python(tmp_path, "python3.11", "3.11")
    venv = tmp_path / "env"
    first = installer(tmp_path, COURSE_VENV=str(venv))
    assert first.returncode == 0, first.stderr
    assert "Python 3.11 choisi (python3.11)" in first.stdout
    again = installer(tmp_path, COURSE_VENV=str(venv))
    assert (again.returncode, again.stdout) == (0, ""), again.stderr  # rien ne change : réutilisé
    fake_python(tmp_path, "python3.13", "3.13")
    newer = installer(tmp_path, COURSE_VENV=str(venv))
    assert newer.returncode == 0, newer.stderr
    assert f"L'environnement {venv} est en Python 3.11 : il est recréé en Python 3.13." in newer.stdout
    assert subprocess.run([venv / "bin" / "python", "-c", ""], capture_output=True, text=True).stdout == "3.13\n"


def test_installed_versions_match_the_pins():
    from importlib import metadata

    for name, version in pins(ROOT / "requirements.txt").items():
        assert metadata.version(name) == version, name
