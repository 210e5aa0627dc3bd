"""Reading nonconformities: scope, lists, counts, the NCs of source records.

Reading scope (``nonconformities.view``): a role held over the agency (the ISO office,
leadership, the auditors) reads every NC of the agency; a role held on a unit reads the
NCs whose responsible unit is that unit (and its subunits, if the role covers them); the
provincial overseer reads the agencies of the province. Every change is decided by the
services on the NC's own unit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet

from qms.accounts import permissions
from qms.nonconformities import sources
from qms.nonconformities.models import CorrectiveAction, Nonconformity

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qms.accounts.models import User


def visible_q(user: User | AnonymousUser) -> Q:
    """A filter on Nonconformity: the NCs ``user`` may read."""
    return permissions.unit_scope_q(user, "nonconformities.view", prefix="unit__")


def ncs_for_user(user: User | AnonymousUser, *, archived: bool = False) -> QuerySet[Nonconformity]:
    qs = Nonconformity.objects.filter(visible_q(user))
    return qs if archived else qs.filter(archived_at__isnull=True)


def get_nc_for_user(user: User | AnonymousUser, pk: int) -> Nonconformity | None:
    """The NC if ``user`` may read it (archived ones included: they stay on record)."""
    return (
        ncs_for_user(user, archived=True)
        .select_related("unit", "agency", "owner", "raised_by", "analysed_by", "verified_by")
        .filter(pk=pk)
        .first()
    )


def ncs_for_sources(source_key: str, ids: list[int]) -> dict[int, list[Nonconformity]]:
    """The NCs raised from the records ``ids`` of ``source_key`` (one query), by record id.

    Archived NCs are left out; the caller filters by what the reader may see (a source
    page shows the NCs to who reads the source).
    """
    out: dict[int, list[Nonconformity]] = {i: [] for i in ids}
    if not ids:
        return out
    source = sources.get(source_key)
    ct = ContentType.objects.get_for_model(source.model)
    for nc in (
        Nonconformity.objects.filter(
            source_key=source_key, source_type=ct, source_id__in=ids, archived_at__isnull=True
        )
        .select_related("unit")
        .order_by("-year", "-serial")
    ):
        out.setdefault(nc.source_id or 0, []).append(nc)
    return out


def nc_counts(qs_filter: Q) -> dict[str, int]:
    """How many NCs (not archived) matching ``qs_filter`` are in each status (one query);
    every status is a key, with 0 where there is none."""
    counts = dict.fromkeys(Nonconformity.Status.values, 0)
    for row in (
        Nonconformity.objects.filter(qs_filter, archived_at__isnull=True)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["status"]] = row["n"]
    return counts


def open_actions_of(user: User) -> QuerySet[CorrectiveAction]:
    """The user's own open corrective actions ("my actions")."""
    return (
        CorrectiveAction.objects.filter(
            owner=user, status=CorrectiveAction.Status.OPEN, nc__archived_at__isnull=True
        )
        .select_related("nc", "unit")
        .order_by("due", "pk")
    )
