"""Chargement de Fashion-MNIST : bons fichiers, fichier tronqué ou corrompu, aucun fichier."""

import gzip
import pathlib

import numpy as np
import pytest

from course import donnees

N_TRAIN, N_TEST = 6, 4


def write_idx(path, array, magic):
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def make_dataset(folder, seed=0):
    """Écrit un petit Fashion-MNIST au format IDX dans ``folder`` ; renvoie les tableaux."""
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    arrays = {
        "x_train": rng.integers(0, 256, (N_TRAIN, 28, 28)),
        "y_train": rng.integers(0, 10, N_TRAIN),
        "x_test": rng.integers(0, 256, (N_TEST, 28, 28)),
        "y_test": rng.integers(0, 10, N_TEST),
    }
    for name, array in arrays.items():
        write_idx(folder / donnees.FICHIERS[name], array, 2051 if name.startswith("x") else 2049)
    return arrays


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    """Aucune source réelle : cache Keras vide, pas de COURSE_DATA_DIR, dossier Debian absent,
    et un téléchargement qui échoue comme sans réseau (et compte ses appels)."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.setattr(donnees, "DOSSIER_DEBIAN", tmp_path / "debian")
    calls = []

    def no_network():
        calls.append(1)
        raise OSError("URL fetch failure: Name or service not known")

    return tmp_path, no_network, calls


def test_reads_good_files_from_course_data_dir(isolated, monkeypatch):
    tmp_path, no_network, calls = isolated
    arrays = make_dataset(tmp_path / "copie")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "copie"))
    (x_train, y_train), (x_test, y_test) = donnees.charger_fashion_mnist(telecharger=no_network)
    assert x_train.shape == (N_TRAIN, 28, 28) and x_train.dtype == np.uint8
    assert x_test.shape == (N_TEST, 28, 28) and y_test.shape == (N_TEST,)
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])
    assert calls == []


def test_keras_cache_comes_first(isolated, monkeypatch):
    tmp_path, no_network, _ = isolated
    cache = make_dataset(donnees.dossier_cache_keras(), seed=1)
    make_dataset(tmp_path / "copie", seed=2)
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "copie"))
    (x_train, _), _ = donnees.charger_fashion_mnist(telecharger=no_network)
    np.testing.assert_array_equal(x_train, cache["x_train"])


def test_debian_copy_is_used_when_nothing_else(isolated):
    tmp_path, no_network, calls = isolated
    arrays = make_dataset(tmp_path / "debian", seed=3)
    (_, y_train), _ = donnees.charger_fashion_mnist(telecharger=no_network)
    np.testing.assert_array_equal(y_train, arrays["y_train"])
    assert calls == []


def test_download_is_the_last_resort(isolated):
    expected = ((np.zeros((1, 28, 28), np.uint8), np.zeros(1, np.uint8)),) * 2
    assert donnees.charger_fashion_mnist(telecharger=lambda: expected) is expected


def test_no_file_at_all_gives_a_french_message(isolated):
    _, no_network, calls = isolated
    with pytest.raises(donnees.DonneesIntrouvables) as info:
        donnees.charger_fashion_mnist(telecharger=no_network)
    message = str(info.value)
    assert message.startswith("Impossible de charger Fashion-MNIST")
    assert "cache de Keras" in message and "paquet Debian" in message
    assert "téléchargement par Keras : échec" in message
    assert "apt-get install dataset-fashion-mnist" in message and "COURSE_DATA_DIR" in message
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert calls == [1]


@pytest.mark.parametrize("damage", ["tronqué", "pas du gzip", "mauvais nombre magique", "trop court"])
def test_damaged_file_gives_a_french_message_not_a_gzip_traceback(isolated, monkeypatch, damage):
    tmp_path, no_network, _ = isolated
    folder = tmp_path / "copie"
    make_dataset(folder)
    path = folder / donnees.FICHIERS["x_train"]
    raw = path.read_bytes()
    if damage == "tronqué":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "pas du gzip":
        path.write_bytes(b"<html>Erreur 404</html>")
    elif damage == "mauvais nombre magique":
        with gzip.open(path, "wb") as f:
            f.write((1234).to_bytes(4, "big") + bytes(100))
    else:
        with gzip.open(path, "wb") as f:
            f.write(gzip.decompress(raw)[:-10])
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    with pytest.raises(donnees.DonneesIntrouvables) as info:
        donnees.charger_fashion_mnist(telecharger=no_network)
    message = str(info.value)
    assert f"COURSE_DATA_DIR ({folder})" in message
    assert donnees.FICHIERS["x_train"] in message
    assert "gzip" not in type(info.value).__module__
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_corrupt_keras_cache_is_named_and_not_downloaded_over(isolated):
    _, no_network, calls = isolated
    cache = donnees.dossier_cache_keras()
    make_dataset(cache)
    (cache / donnees.FICHIERS["y_test"]).write_bytes(b"\x1f\x8b\x08corrompu")
    with pytest.raises(donnees.DonneesIntrouvables, match="supprimez le dossier corrompu"):
        donnees.charger_fashion_mnist(telecharger=no_network)
    assert calls == []


def test_real_dataset_has_the_standard_splits():
    (x_train, y_train), (x_test, y_test) = donnees.charger_fashion_mnist()
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert x_train.dtype == np.uint8 and set(np.unique(y_test)) == set(range(10))
    assert len(donnees.NOMS_CLASSES) == 10
