"""Every URL of the project is in a permission matrix; every route taking POST is POSTed.

Issue 12, acceptance 2. The matrices are the modules ``qms/<app>/tests/test_permissions*.py``
(plus ``MATRIX_MODULES_EXTRA``). A module declares what it exercises in one of two ways:

* ``MATRIX``: a list of tuples whose first item is the URL name (``"plan_list"`` in the
  app's own namespace, or ``"planning:plan_export_docx"``) and whose second item, when it
  is ``"get"``/``"post"``, is the method; module-level ``*_ROUTE`` strings count as GET;
* or ``COVERED_ROUTES`` (``"ns:name"``, read) and ``POSTED_ROUTES`` (``"ns:name"``, POSTed
  by every persona) where a hand-written matrix has no ``MATRIX``.

The URL patterns are read from the resolver of ``config.urls``; a view's methods from its
``require_http_methods`` decorator (or a class-based view's handlers), so a route that
starts taking POST must gain POST rows.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parents[1]
MATRIX_MODULES_EXTRA = ["qms.notifications.tests.test_pages"]
METHODS = {"get", "post"}

# Framework routes, not ours to matrix (each with its reason).
ALLOWED_UNMATRIXED = {
    "admin": "Django admin: superusers only (STYLE §2), not linked from the UI",
    "set_language": "Django's i18n view: stores the language in the session/cookie only",
}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or "" for an unnamed pattern
    pattern: str
    urlconf: str
    methods: frozenset[str]

    @property
    def app(self) -> str:
        return self.urlconf.split(".")[1] if self.urlconf.startswith("qms.") else self.urlconf


def _view_methods(callback: Callable[..., Any]) -> frozenset[str]:
    """The methods a view accepts, from its decorators; every method if undecorated."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        names = [m for m in view_class.http_method_names if hasattr(view_class, m)]
        return frozenset(m for m in names if m in METHODS)
    func: Any = callback
    while func is not None:
        for cell in func.__closure__ or ():
            value = cell.cell_contents
            if (
                isinstance(value, list | tuple)
                and value
                and all(isinstance(m, str) and m.isupper() for m in value)
            ):
                return frozenset(m.lower() for m in value) & METHODS
        func = getattr(func, "__wrapped__", None)
    return frozenset(METHODS)


def _walk(resolver: URLResolver, namespace: str, prefix: str) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in ALLOWED_UNMATRIXED:
                continue
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry, full, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            if entry.name in ALLOWED_UNMATRIXED:
                continue
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            urlconf = getattr(resolver.urlconf_module, "__name__", str(resolver.urlconf_name))
            methods = _view_methods(entry.callback)
            yield Route(name, prefix + str(entry.pattern), urlconf, methods)


def project_routes() -> list[Route]:
    return list(_walk(get_resolver(), "", "/"))


def _matrix_modules() -> list[str]:
    found = sorted(ROOT.glob("qms/*/tests/test_permissions*.py"))
    names = [".".join(p.relative_to(ROOT).with_suffix("").parts) for p in found]
    return names + MATRIX_MODULES_EXTRA


def _declared(module_name: str) -> tuple[set[str], set[str]]:
    """(names exercised, names POSTed) by one matrix module."""
    module = importlib.import_module(module_name)
    app = module_name.split(".")[1]
    covered = set(getattr(module, "COVERED_ROUTES", ()))
    posted = set(getattr(module, "POSTED_ROUTES", ()))
    for row in getattr(module, "MATRIX", ()):
        name = row[0] if ":" in row[0] else f"{app}:{row[0]}"
        covered.add(name)
        if len(row) > 1 and str(row[1]).lower() == "post":
            posted.add(name)
    for attr, value in vars(module).items():
        if attr.endswith("_ROUTE") and isinstance(value, str):
            covered.add(value if ":" in value else f"{app}:{value}")
    return covered, posted


def declared() -> tuple[set[str], set[str]]:
    covered: set[str] = set()
    posted: set[str] = set()
    for module_name in _matrix_modules():
        c, p = _declared(module_name)
        covered |= c
        posted |= p
    return covered, posted


def _where(route: Route) -> str:
    return (
        f"  {route.name or '<unnamed>'}  {route.pattern}  ({route.urlconf}) -> add a row to "
        f"MATRIX in qms/{route.app}/tests/test_permissions.py"
    )


def test_every_route_is_in_a_permission_matrix() -> None:
    covered, _posted = declared()
    missing = [r for r in project_routes() if not r.name or r.name not in covered]
    assert not missing, (
        "These URL patterns are in no permission matrix (persona x URL x status, STYLE §3); "
        "unnamed patterns need a name first:\n" + "\n".join(_where(r) for r in missing)
    )


def test_every_route_taking_post_is_posted_by_the_personas() -> None:
    _covered, posted = declared()
    missing = [r for r in project_routes() if "post" in r.methods and r.name not in posted]
    assert not missing, (
        "These routes accept POST but no matrix POSTs them with every persona "
        '(a row with method "post"):\n' + "\n".join(_where(r) for r in missing)
    )


def test_the_matrices_name_only_real_routes() -> None:
    """A row for a route that no longer exists (renamed) is caught too."""
    covered, posted = declared()
    real = {r.name for r in project_routes()}
    assert not (covered | posted) - real


def test_methods_are_read_from_the_decorators() -> None:
    by_name = {r.name: r.methods for r in project_routes()}
    assert by_name["planning:plan_approve"] == {"post"}
    assert by_name["planning:plan_edit"] == {"get", "post"}
    assert by_name["planning:plan_detail"] == {"get"}
    assert "post" in by_name["accounts:login"]
