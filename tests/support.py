"""Petites aides communes aux tests : un port libre, le texte visible d'une page de retour."""

import re
import socket

from bs4 import BeautifulSoup

# En-tête des journaux C++ de TensorFlow (« E0000 00:00:1795457767.503588       2 cuda_platform.cc… ») :
# l'heure et le fil changent à chaque exécution.
TF_LOG_HEADER = re.compile(r"\b([EWIF])\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ ")


def free_port():
    """Un port TCP libre de 127.0.0.1 (à l'instant de l'appel)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def visible_text(html):
    """Le texte d'une page HTML (retour à l'étudiant), blancs normalisés, sans l'horodatage des
    journaux de TensorFlow (il change à chaque exécution)."""
    text = re.sub(r"\s+", " ", BeautifulSoup(html, "html.parser").get_text()).strip()
    return TF_LOG_HEADER.sub(r"\1 ", text)
