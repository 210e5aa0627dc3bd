"""Read wide, change narrow (STYLE §3, issue 12): the agency-wide helpers only read.

The source is parsed (not imported) and every call of a helper named in
``permissions.READING_HELPERS`` must

1. name its action as a string literal that is in ``permissions.READ_ACTIONS``
   (a variable action could carry a change; a change action is decided by ``can``);
2. not sit inside a view that only accepts POST (``@require_POST`` or
   ``@require_http_methods`` without GET): a change path goes through a selector that
   decides the change with the strict ``can`` on the target.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from qms.accounts import permissions

ROOT = Path(__file__).resolve().parents[3]
SOURCE = ROOT / "qms"

# Change paths in areas owned by other work of issue 12 (documents: H2, notifications:
# H3), left as they were by the rename. Delete an entry when its call is fixed; the
# test fails on an entry that no longer matches, so this list only shrinks.
PENDING: set[tuple[str, str]] = {
    ("qms/documents/selectors.py", ""),  # agencies_for(user, action): any action
}


@dataclass(frozen=True)
class Call:
    path: str
    line: int
    helper: str
    action: str | None  # None: not a string literal
    post_only_view: str | None

    def where(self) -> str:
        return f"{self.path}:{self.line} {self.helper}({self.action or '<not a literal>'})"


def _helper_name(node: ast.Call) -> str | None:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name if name in permissions.READING_HELPERS else None


def _action(node: ast.Call) -> str | None:
    arg = node.args[1] if len(node.args) > 1 else None
    for kw in node.keywords:
        if kw.arg == "action":
            arg = kw.value
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    return None


def _post_only(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for dec in func.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name == "require_POST":
            return True
        if name == "require_http_methods" and isinstance(dec, ast.Call) and dec.args:
            methods = ast.literal_eval(dec.args[0])
            if "GET" not in methods:
                return True
    return False


def _calls_in(path: Path, root: Path = ROOT) -> list[Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(root).as_posix()
    found: list[Call] = []

    def visit(node: ast.AST, view: str | None) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _post_only(node):
            view = node.name
        if isinstance(node, ast.Call) and (helper := _helper_name(node)):
            found.append(Call(rel, node.lineno, helper, _action(node), view))
        for child in ast.iter_child_nodes(node):
            visit(child, view)

    visit(tree, None)
    return found


def _source_calls() -> list[Call]:
    files = [
        p
        for p in sorted(SOURCE.rglob("*.py"))
        # parts below the checkout: a checkout in a directory named "tests" is still read
        if not {"tests", "migrations"} & set(p.relative_to(ROOT).parts)
        and p.name != "permissions.py"
    ]
    return [call for path in files for call in _calls_in(path)]


def _violations(calls: list[Call]) -> list[tuple[Call, str]]:
    out = []
    for call in calls:
        if call.action not in permissions.READ_ACTIONS:
            out.append((call, "not a reading action"))
        elif call.post_only_view:
            out.append((call, f"inside the POST-only view {call.post_only_view}()"))
    return out


def test_no_change_path_uses_a_reading_helper() -> None:
    bad = [
        f"{call.where()}: {why}"
        for call, why in _violations(_source_calls())
        if (call.path, call.action or "") not in PENDING
    ]
    assert not bad, (
        "Agency-wide helpers are for reading only; decide a change with "
        "permissions.can(user, action, target_unit) (through the app's selector):\n"
        + "\n".join(bad)
    )


def test_pending_entries_still_exist() -> None:
    """A fixed call must leave PENDING, so that it cannot come back unnoticed."""
    seen = {(call.path, call.action or "") for call, _why in _violations(_source_calls())}
    stale = sorted(PENDING - seen)
    assert not stale, f"Remove from PENDING in {__file__}: {stale}"


def test_the_check_sees_a_change_path(tmp_path: Path) -> None:
    """The parser catches the three shapes of misuse and accepts a plain read."""
    code = (
        "from django.views.decorators.http import require_POST\n"
        "from qms.accounts import permissions as p\n"
        "def page(user, a, action):\n"
        "    p.can_read_agency_wide(user, 'planning.view_plan', a)\n"
        "    p.can_read_agency_wide(user, 'planning.approve_plan', a)\n"
        "    p.agency_scope_q_for_reading(user, action)\n"
        "@require_POST\n"
        "def approve(request, a):\n"
        "    p.can_read_agency_wide(request.user, 'planning.view_plan', a)\n"
    )
    path = tmp_path / "qms" / "fake.py"
    path.parent.mkdir()
    path.write_text(code, encoding="utf-8")
    calls = _calls_in(path, tmp_path)
    reasons = [(c.line, why) for c, why in _violations(calls)]
    assert reasons == [
        (5, "not a reading action"),
        (6, "not a reading action"),
        (9, "inside the POST-only view approve()"),
    ]
