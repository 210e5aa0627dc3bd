"""Code shape: no function or method under ``qms/`` is over 100 lines.

Every ``.py`` file under ``qms/`` is parsed with :mod:`ast` (the demo data in ``qms/demo/``
and the generated ``migrations/`` aside); a function's length runs from its ``def`` line to
its last line, nested functions counted on their own as well. A long function is split
into named steps (STYLE §2 aims at 30 lines); the test lists every offender at once.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 100


def _sources(root: Path) -> Iterator[Path]:
    for path in sorted((root / "qms").rglob("*.py")):
        parts = path.relative_to(root).parts
        if parts[1] == "demo" or "migrations" in parts:
            continue
        yield path


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, int]]:
    """(qualified name, lines) of every function and method in ``tree``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert node.end_lineno is not None
            yield f"{prefix}{node.name}", node.end_lineno - node.lineno + 1
            yield from _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def long_functions(root: Path, max_lines: int = MAX_LINES) -> dict[str, int]:
    """``"qms/app/module.py::Class.method"`` → lines, for every function over ``max_lines``."""
    found: dict[str, int] = {}
    for path in _sources(root):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        name = path.relative_to(root).as_posix()
        for qualname, lines in _functions(tree):
            if lines > max_lines:
                found[f"{name}::{qualname}"] = lines
    return found


def test_no_function_in_qms_is_over_100_lines() -> None:
    too_long = long_functions(ROOT)
    assert not too_long, f"Functions over {MAX_LINES} lines; split them into steps:\n" + "\n".join(
        f"  {name} ({lines} lines)" for name, lines in sorted(too_long.items())
    )


def _function(name: str, lines: int, indent: str = "") -> str:
    """The source of a function of exactly ``lines`` lines."""
    return f"{indent}def {name}():\n" + f"{indent}    x = 1\n" * (lines - 1)


def test_the_walk_finds_functions_methods_and_nested_ones(tmp_path: Path) -> None:
    app = tmp_path / "qms" / "app"
    (app / "migrations").mkdir(parents=True)
    (tmp_path / "qms" / "demo").mkdir()
    (app / "fine.py").write_text(_function("at_the_limit", 100))
    (app / "long.py").write_text(
        "async "
        + _function("f", 101)
        + "\n\nclass Builder:\n    def build(self):\n"
        + _function("step", 101, indent="        ")
        + "        return step\n"
    )
    (app / "migrations" / "0001_initial.py").write_text(_function("migrate", 300))
    (tmp_path / "qms" / "demo" / "data.py").write_text(_function("load", 300))

    assert long_functions(tmp_path) == {
        "qms/app/long.py::f": 101,
        "qms/app/long.py::Builder.build": 103,
        "qms/app/long.py::Builder.build.step": 101,
    }
