"""Where a nonconformity comes from: a registry of *sources* other areas fill.

An area that finds nonconformities (an internal-audit finding, an overdue plan task, an
objective not achieved, a document past its review date …) registers a ``Source`` from
its ``AppConfig.ready()``::

    sources.register(Source(
        key="audits.finding",
        label=_("Internal audit finding"),
        model=Finding,
        describe=finding_facts,
    ))

``describe(obj)`` returns the ``SourceFacts`` the NC is pre-filled with (unit responsible,
title, description, link back to the record, clause, severity, proposed owner). The NC
keeps ``source_key``, the record's content type and id and the label, so it links back
even if the source area later changes its pages; ``qms.nonconformities.selectors.
ncs_for_sources`` lists the NCs raised from a set of records in one query, for the source
page's panel.

The foundation apps (planning, objectives, documents) do not know this registry: the
nonconformities app registers their sources itself (``NonconformitiesConfig.ready``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models

from qms.core.registry import Registry

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from qms.accounts.models import User
    from qms.core.models import OrgUnit


@dataclass(frozen=True)
class SourceFacts:
    """What a source record says about the NC raised from it."""

    agency: OrgUnit
    unit: OrgUnit
    title: str
    description: str
    url: str
    label: str  # "Phát hiện số 3 — Đánh giá nội bộ 2022 (Phòng GDTrH)"
    clause: str = ""
    severity: str = "minor"
    owner: User | None = None


@dataclass(frozen=True)
class Source:
    key: str
    label: StrOrPromise
    model: type[models.Model]
    describe: Callable[[Any], SourceFacts]
    # The record's page, without the facts' queries (the NC page links back with it);
    # when absent, ``describe(obj).url``.
    url: Callable[[Any], str] | None = None

    def url_of(self, obj: Any) -> str:
        return self.url(obj) if self.url is not None else self.describe(obj).url


registry: Registry[Source] = Registry()


class UnknownSource(LookupError):
    """No area registered this source key."""


def register(source: Source) -> None:
    """Register (or replace, by key) a source; called from an ``AppConfig.ready()``."""
    registry.add(source.key, source)


def get(key: str) -> Source:
    """The registered source; ``UnknownSource`` (a ``LookupError``) if there is none."""
    source = registry.get(key)
    if source is None:
        raise UnknownSource(f"No nonconformity source {key!r} is registered")
    return source


def choices() -> list[tuple[str, StrOrPromise]]:
    """``(key, label)`` of every source, in registration order (filters, forms)."""
    return [(s.key, s.label) for s in registry.values()]


def for_model(model: type[models.Model]) -> list[Source]:
    """The sources whose records are of ``model``."""
    return [s for s in registry.values() if s.model is model]
