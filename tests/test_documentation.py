"""La documentation : un README court, des pages docs/ toutes liées, aucun chemin périmé.

Le README est la porte d'entrée (au plus ``MAX_README_LINES`` lignes) ; le détail est dans
``docs/``, une page par lecteur et par tâche, chacune liée depuis le README. Chaque chemin du
dépôt cité par le README ou une page de ``docs/`` (code en ligne ou cible de lien Markdown) doit
exister : un fichier renommé ou supprimé laisse sinon une documentation qui ment.

Sans noyau, sans serveur, sans réseau : seulement la lecture des fichiers Markdown.
"""

import re

from paths import ROOT

MAX_README_LINES = 150
README = ROOT / "README.md"
DOCS = ROOT / "docs"

# Dossiers produits par la correction ou l'installation (absents d'un clone neuf) : cités par la
# documentation, jamais présents dans le dépôt.
GENERATED_PREFIXES = ("autograded/", "submitted/", "feedback/", "rapports/", "copies/", "rendus/",
                      "exchange/", "galeries/", ".venv")
PATH_SUFFIXES = (".py", ".sh", ".toml", ".yml", ".md", ".ipynb", ".txt", ".cfg")
# Un caractère de ceux-ci : une commande, un motif, un gabarit (<étudiant>), une affectation
# (PYTHON=…) ou un chemin abrégé (…), pas un chemin du dépôt.
NOT_A_PATH = set(" <>*{}=…")

FENCE = re.compile(r"^[ \t]*```.*?^[ \t]*```[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`([^`\n]+)`")
LINK_TARGET = re.compile(r"\]\(([^)\s]+)\)")


def pages():
    """Le README et chaque page de docs/."""
    return [README, *sorted(DOCS.glob("*.md"))]


def without_fences(text):
    """Le texte sans ses blocs de code (des commandes, pas des chemins cités)."""
    return FENCE.sub("", text)


def repository_path(token):
    """``token`` débarrassé de son ancre (``#…``) ou de son numéro de ligne ou nœud pytest
    (``:…``) s'il désigne un chemin du dépôt ; sinon None."""
    if "://" in token or token.startswith(("mailto:", "#", "~", "/", "$")):
        return None
    if NOT_A_PATH & set(token):
        return None
    token = token.split("#", 1)[0].split(":", 1)[0]
    if not token or token.startswith(GENERATED_PREFIXES):
        return None
    if "/" in token or token.endswith(PATH_SUFFIXES):
        return token
    return None


def cited_paths(page):
    """``[(chemin cité, chemin à vérifier)]`` : code en ligne relatif à la racine du dépôt, cible
    de lien relative à la page (comme GitHub la suit)."""
    text = without_fences(page.read_text(encoding="utf-8"))
    found = []
    for token in INLINE_CODE.findall(text):
        path = repository_path(token.strip())
        if path:
            found.append((path, ROOT / path))
    for target in LINK_TARGET.findall(text):
        path = repository_path(target)
        if path:
            found.append((path, page.parent / path))
    return found


def test_readme_is_short():
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_README_LINES, (
        f"README.md a {lines} lignes (au plus {MAX_README_LINES}) : déplacez le détail dans docs/")


def test_docs_exist():
    assert sorted(DOCS.glob("*.md")), "aucune page dans docs/"


def test_every_cited_path_exists():
    missing = [f"{page.relative_to(ROOT)} : {cited}"
               for page in pages() for cited, path in cited_paths(page) if not path.exists()]
    assert not missing, "chemins cités mais absents du dépôt :\n" + "\n".join(missing)


def test_path_detection():
    """Ce qui compte comme chemin du dépôt, et ce qui n'en est pas un."""
    assert repository_path("autograder/execute.py") == "autograder/execute.py"
    assert repository_path("tests/test_x.py::test_y") == "tests/test_x.py"
    assert repository_path("autograder/isolation/sandbox.py:120") == "autograder/isolation/sandbox.py"
    assert repository_path("isolement.md#cellules-dillustration") == "isolement.md"
    assert repository_path("release/") == "release/"
    for not_a_path in ("https://example.org/a.py", "~/.keras/datasets/", "/usr/share/x",
                       "source/<devoir>/<devoir>.ipynb", "python -m autograder", "PYTHON=/a/b",
                       "submitted/", "rapports/navigateur/", ".venv/bin", "gradebook.db",
                       "postgresql://…", "#ancre", "np.allclose"):
        assert repository_path(not_a_path) is None, not_a_path
    text = "Voir `a/b.py` et [c](d/e.md).\n```bash\nbash f/g.sh\n```\n"
    assert INLINE_CODE.findall(without_fences(text)) == ["a/b.py"]
    assert LINK_TARGET.findall(without_fences(text)) == ["d/e.md"]


def test_every_docs_page_is_linked_from_the_readme():
    targets = {target.split("#", 1)[0]
               for target in LINK_TARGET.findall(README.read_text(encoding="utf-8"))}
    unlinked = [f"docs/{page.name}" for page in sorted(DOCS.glob("*.md"))
                if f"docs/{page.name}" not in targets]
    assert not unlinked, "pages de docs/ sans lien depuis le README : " + ", ".join(unlinked)
