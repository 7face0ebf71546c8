"""The apps depend one way only: interactions -> articles -> medicines (issue 11).

medicines/ is the domain in plain Python (no Django, no web layer); articles/ may read the
domain but never the checker's web layer; only interactions/ sees both. Every import counts,
including one inside a function (that is how the old cycle was hidden).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "medicines": {"django", "interactions", "articles", "config", "web"},
    "articles": {"interactions"},
}


def imported_packages(path: Path) -> set[str]:
    """The top-level package of every module a file imports (absolute imports)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value.split(".")[0])
    return found


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_apps_depend_one_way_only(package):
    files = python_files(package)
    assert files, package
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in files
    }
    assert {path: names for path, names in wrong.items() if names} == {}


def test_the_guard_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\n"
        "def f():\n"
        "    from interactions.services import lookup\n"
        "    import django.conf\n"
        "    return importlib.import_module('articles.linking')\n"
    )
    assert imported_packages(sample) == {"os", "interactions", "django", "articles"}
