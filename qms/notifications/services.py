"""Writing notifications into the outbox, and who receives what.

Callers write rows inside their own transaction (``notify``); nothing is sent here.
Each area describes its own events (``qms.notifications.kinds``) and calls ``notify``.
``Outbox`` batches rows for a periodic pass: it loads preferences once and inserts all
rows in one statement, skipping occurrences already written (unique ``dedupe_key``).
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from qms.accounts.models import CommitteeMember, Role, RoleAssignment, User
from qms.audittrail.services import logentry_create, snapshot
from qms.core.models import OrgUnit
from qms.notifications import kinds, webhooks
from qms.notifications.messages import DIGEST, MessageData, render
from qms.notifications.models import (
    Channel,
    Notification,
    NotificationPreference,
    NotificationSettings,
    ReminderPolicy,
    State,
)

DOER_ROLES = (Role.STAFF,)
HEAD_ROLES = (Role.UNIT_HEAD,)


def default_enabled(kind: str, channel: str) -> bool:
    """Where a user has not said otherwise: everything in eISO and by e-mail, except the
    channels a kind is registered off by default on."""
    return kinds.default_enabled(kind, channel)


def absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url


# --------------------------------------------------------------------------- recipients


class Directory:
    """Who holds which role where, loaded once (three queries) for a whole pass."""

    def __init__(self, agency_ids: Iterable[int] | None = None) -> None:
        assignments = RoleAssignment.objects.filter(
            user__is_active=True,
            role__in=[Role.STAFF, Role.UNIT_HEAD, Role.ISO_OFFICER, Role.LEADER],
        ).select_related("org_unit")
        if agency_ids is not None:
            ids = list(agency_ids)
            assignments = assignments.filter(
                Q(org_unit__agency_id__in=ids) | Q(org_unit_id__in=ids)
            )
        self.by_unit_role: dict[tuple[int, str], set[int]] = defaultdict(set)
        self.by_agency_role: dict[tuple[int, str], set[int]] = defaultdict(set)
        for a in assignments:
            unit = a.org_unit
            self.by_unit_role[(unit.pk, a.role)].add(a.user_id)
            # Only a role held over the agency itself acts on its plan (approve, confirm):
            # a school's leader is not asked to approve the Sở's plan.
            if unit.kind == OrgUnit.Kind.AGENCY:
                self.by_agency_role[(unit.pk, a.role)].add(a.user_id)
        self.committee: dict[int, set[int]] = defaultdict(set)
        for committee_id, user_id in CommitteeMember.objects.filter(
            user__is_active=True
        ).values_list("committee_id", "user_id"):
            self.committee[committee_id].add(user_id)

    def doers(self, unit_ids: Iterable[int]) -> set[int]:
        """Who does a unit's tasks: its staff, else its head; a committee's members."""
        out: set[int] = set()
        for uid in unit_ids:
            people = set(self.committee.get(uid, set()))
            people |= self.by_unit_role.get((uid, Role.STAFF), set())
            if not people:
                people = set(self.by_unit_role.get((uid, Role.UNIT_HEAD), set()))
            if not people:
                people = set(self.by_unit_role.get((uid, Role.LEADER), set()))
            out |= people
        return out

    def heads(self, unit_ids: Iterable[int]) -> set[int]:
        out: set[int] = set()
        for uid in unit_ids:
            out |= self.by_unit_role.get((uid, Role.UNIT_HEAD), set())
            out |= self.by_unit_role.get((uid, Role.LEADER), set())
        return out

    def everyone(self) -> set[int]:
        out: set[int] = set()
        for people in self.by_unit_role.values():
            out |= people
        for people in self.committee.values():
            out |= people
        return out

    def office(self, agency_id: int) -> set[int]:
        return set(self.by_agency_role.get((agency_id, Role.ISO_OFFICER), set()))

    def approvers(self, agency_id: int) -> set[int]:
        return set(self.by_agency_role.get((agency_id, Role.LEADER), set()))


# --------------------------------------------------------------------------- outbox


class Outbox:
    """Collects rows for many recipients, then writes them in one insert."""

    def __init__(self, now: datetime.datetime | None = None) -> None:
        self.now = now or timezone.now()
        self.rows: list[Notification] = []
        self._users: dict[int, User] = {}
        self._loaded: set[int] = set()
        self._settings: dict[int, NotificationSettings] = {}
        self._prefs: dict[tuple[int, str, str], bool] = {}
        self._policies: dict[int, ReminderPolicy] = {}
        self._rendered: dict[tuple[int, str], tuple[str, str]] = {}
        self._keep: list[MessageData] = []

    def load(self, user_ids: Iterable[int]) -> None:
        """Read users, their settings and preferences, and agency webhooks (4 queries)."""
        ids = set(user_ids) - self._loaded
        if not ids:
            return
        self._loaded |= ids
        id_list = sorted(ids)
        for user in User.objects.filter(pk__in=id_list, is_active=True).only(
            "id", "email", "language", "first_name", "last_name", "username", "unit_id"
        ):
            self._users[user.pk] = user
        for s in NotificationSettings.objects.filter(user_id__in=id_list):
            self._settings[s.user_id] = s
        for user_id, kind, channel, enabled in NotificationPreference.objects.filter(
            user_id__in=id_list
        ).values_list("user_id", "kind", "channel", "enabled"):
            self._prefs[(user_id, kind, channel)] = enabled
        if not self._policies:
            self._policies = {
                p.agency_id: p for p in ReminderPolicy.objects.filter(webhook_enabled=True)
            }

    def _enabled(self, user_id: int, kind: str, channel: str) -> bool:
        pref = self._prefs.get((user_id, kind, channel))
        return default_enabled(kind, channel) if pref is None else pref

    def add(
        self,
        *,
        recipients: Iterable[int],
        data: MessageData,
        obj: models.Model | None,
        agency_id: int | None,
        key: str | None = None,
        exclude: int | None = None,
    ) -> None:
        recipients = sorted(set(recipients) - {exclude})
        self.load(recipients)
        ct = ContentType.objects.get_for_model(obj) if obj is not None else None
        policy = self._policies.get(agency_id or 0)
        # A kind the user cannot switch off (a digest, a summary) is never held either.
        switchable = kinds.get(data.kind).switchable
        written = False
        for user_id in recipients:
            user = self._users.get(user_id)
            if user is None:
                continue
            language = user.language or settings.LANGUAGE_CODE
            cache_key = (id(data), language)
            if cache_key not in self._rendered:
                self._keep.append(data)  # keeps id(data) unique while cached
                self._rendered[cache_key] = render(data, language)
            subject, body = self._rendered[cache_key]
            if data.kind == DIGEST:
                channels = [Channel.EMAIL] if user.email else []
            else:
                channels = [Channel.IN_APP]
                if user.email:
                    channels.append(Channel.EMAIL)
            for channel in channels:
                if switchable and not self._enabled(user_id, data.kind, channel):
                    continue
                state, sent_at = State.PENDING, None
                if channel == Channel.IN_APP:
                    state, sent_at = State.SENT, self.now
                elif channel == Channel.EMAIL and switchable:
                    s = self._settings.get(user_id)
                    if s and s.email_mode == NotificationSettings.EmailMode.DAILY:
                        state = State.HELD
                self.rows.append(
                    Notification(
                        recipient_id=user_id,
                        agency_id=agency_id,
                        kind=data.kind,
                        channel=channel,
                        subject=subject,
                        body=body,
                        url=data.url,
                        content_type=ct,
                        object_id=obj.pk if obj is not None else None,
                        state=state,
                        sent_at=sent_at,
                        created_at=self.now,
                        dedupe_key=f"{key}:{user_id}:{channel}" if key else None,
                    )
                )
                written = True
        if written and policy and policy.webhook_url and data.kind != DIGEST:
            self._add_webhook(data=data, ct=ct, obj=obj, agency_id=agency_id, key=key)

    def _add_webhook(
        self,
        *,
        data: MessageData,
        ct: ContentType | None,
        obj: models.Model | None,
        agency_id: int | None,
        key: str | None,
    ) -> None:
        """One delivery per event (no recipient), in the site's language."""
        cache_key = (id(data), settings.LANGUAGE_CODE)
        if cache_key not in self._rendered:
            self._keep.append(data)
            self._rendered[cache_key] = render(data, settings.LANGUAGE_CODE)
        subject, body = self._rendered[cache_key]
        self.rows.append(
            Notification(
                recipient_id=None,
                agency_id=agency_id,
                kind=data.kind,
                channel=Channel.WEBHOOK,
                subject=subject,
                body=body,
                url=data.url,
                content_type=ct,
                object_id=obj.pk if obj is not None else None,
                state=State.PENDING,
                created_at=self.now,
                dedupe_key=f"{key}:webhook" if key else None,
            )
        )

    def flush(self) -> int:
        """Insert what was collected in one statement; occurrences already written (same
        ``dedupe_key``) are skipped. Returns the number of rows offered."""
        rows, self.rows = self.rows, []
        if rows:
            insert_ignoring_duplicates(rows)
        return len(rows)


_COLUMNS = [
    ("recipient_id", "bigint"),
    ("agency_id", "bigint"),
    ("kind", "text"),
    ("channel", "text"),
    ("subject", "text"),
    ("body", "text"),
    ("url", "text"),
    ("content_type_id", "integer"),
    ("object_id", "bigint"),
    ("state", "text"),
    ("dedupe_key", "text"),
    ("created_at", "timestamptz"),
    ("sent_at", "timestamptz"),
]


def insert_ignoring_duplicates(rows: list[Notification]) -> None:
    """``INSERT … SELECT`` from one JSON parameter: a single query for any number of rows.

    ``bulk_create`` splits large inserts into batches (SQLite binds at most 32,766
    values), so the query count of a periodic pass would grow with the reminders due.
    """
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:  # pragma: no cover - other databases
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        return

    def dt(value: datetime.datetime | None) -> str | None:
        if value is None:
            return None
        adapted = connection.ops.adapt_datetimefield_value(value)
        return adapted if isinstance(adapted, str) else value.isoformat()

    payload = json.dumps(
        [
            {
                "recipient_id": r.recipient_id,
                "agency_id": r.agency_id,
                "kind": r.kind,
                "channel": r.channel,
                "subject": r.subject,
                "body": r.body,
                "url": r.url,
                "content_type_id": r.content_type_id,
                "object_id": r.object_id,
                "state": r.state,
                "dedupe_key": r.dedupe_key,
                "created_at": dt(r.created_at),
                "sent_at": dt(r.sent_at),
            }
            for r in rows
        ],
        ensure_ascii=False,
    )
    table = connection.ops.quote_name(Notification._meta.db_table)
    names = [name for name, _type in _COLUMNS]
    fixed = ["attempts", "last_error", "claim"]
    columns = ", ".join(connection.ops.quote_name(c) for c in names + fixed)
    if vendor == "postgresql":
        record = ", ".join(f"{name} {kind}" for name, kind in _COLUMNS)
        select = ", ".join(f"x.{name}" for name in names)
        sql = (
            f"INSERT INTO {table} ({columns}) SELECT {select}, 0, '', '' "  # noqa: S608 - constant identifiers; values are bound
            f"FROM jsonb_to_recordset(%s::jsonb) AS x({record}) ON CONFLICT DO NOTHING"
        )
    else:
        select = ", ".join(f"json_extract(j.value, '$.{name}')" for name in names)
        sql = (
            f"INSERT OR IGNORE INTO {table} ({columns}) SELECT {select}, 0, '', '' "  # noqa: S608 - constant identifiers; values are bound
            f"FROM json_each(%s) AS j"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [payload])


# --------------------------------------------------------------------------- events


def notify(
    *,
    recipients: Iterable[int],
    data: MessageData,
    obj: models.Model | None,
    agency_id: int | None,
    key: str | None = None,
    exclude: int | None = None,
) -> int:
    """One event's notifications, in the caller's transaction: ``data.kind`` is a
    registered kind, ``key`` makes a periodic occurrence idempotent, ``exclude`` is the
    actor (nobody is told of what they did). Returns the number of rows offered."""
    box = Outbox()
    box.add(
        recipients=recipients, data=data, obj=obj, agency_id=agency_id, key=key, exclude=exclude
    )
    return box.flush()


# --------------------------------------------------------------------------- user side


def settings_for(user: User) -> NotificationSettings:
    obj, _created = NotificationSettings.objects.get_or_create(user=user)
    return obj


def mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.in_app_for(user).unread()
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def preferences_save(
    *,
    user: User,
    email_mode: str,
    digest_hour: int,
    enabled: dict[tuple[str, str], bool],
) -> NotificationSettings:
    s = settings_for(user)
    s.email_mode, s.digest_hour = email_mode, digest_hour
    s.save(update_fields=["email_mode", "digest_hour"])
    existing = {(p.kind, p.channel): p for p in NotificationPreference.objects.filter(user=user)}
    for (kind, channel), on in enabled.items():
        pref = existing.get((kind, channel))
        if on == default_enabled(kind, channel):
            if pref is not None:
                pref.delete()
        elif pref is None:
            NotificationPreference.objects.create(user=user, kind=kind, channel=channel, enabled=on)
        elif pref.enabled != on:
            pref.enabled = on
            pref.save(update_fields=["enabled"])
    return s


def ics_token_regenerate(*, user: User) -> str:
    s = settings_for(user)
    s.ics_token, s.ics_token_created_at = NotificationSettings.new_token(), timezone.now()
    s.save(update_fields=["ics_token", "ics_token_created_at"])
    logentry_create(
        actor=user,
        action="notifications.ics.regenerated",
        obj=s,
        unit=user.unit,
        before={},
        after={"ics_token": "•••"},
    )
    return s.ics_token


def ics_token_revoke(*, user: User) -> None:
    s = settings_for(user)
    if s.ics_token:
        s.ics_token, s.ics_token_created_at = None, None
        s.save(update_fields=["ics_token", "ics_token_created_at"])
        logentry_create(
            actor=user,
            action="notifications.ics.revoked",
            obj=s,
            unit=user.unit,
            before={"ics_token": "•••"},
            after={"ics_token": None},
        )


# --------------------------------------------------------------------------- admin side


def notification_retry(*, actor: User, notification: Notification) -> Notification:
    if notification.state not in {State.DEAD, State.CANCELLED}:
        return notification
    before = snapshot(notification, ["state", "attempts", "last_error"])
    notification.state, notification.attempts = State.PENDING, 0
    notification.next_attempt_at, notification.claim = None, ""
    notification.save(update_fields=["state", "attempts", "next_attempt_at", "claim"])
    logentry_create(
        actor=actor,
        action="notifications.outbox.retried",
        obj=notification,
        unit=notification.agency,
        before=before,
    )
    return notification


def notification_cancel(*, actor: User, notification: Notification) -> Notification:
    if notification.state not in {State.PENDING, State.DEAD, State.HELD}:
        return notification
    before = snapshot(notification, ["state"])
    notification.state = State.CANCELLED
    notification.save(update_fields=["state"])
    logentry_create(
        actor=actor,
        action="notifications.outbox.cancelled",
        obj=notification,
        unit=notification.agency,
        before=before,
    )
    return notification


def policy_for(agency: OrgUnit) -> ReminderPolicy:
    policy = ReminderPolicy.objects.filter(agency=agency).first()
    return policy or ReminderPolicy(agency=agency)


def policy_save(*, actor: User, policy: ReminderPolicy, data: dict[str, Any]) -> ReminderPolicy:
    fields = [
        "days_before",
        "on_due_day",
        "overdue_every_days",
        "escalate_head_after_days",
        "escalate_office_after_days",
        "send_hour",
        "weekly_summary",
        "webhook_url",
        "webhook_secret",
        "webhook_enabled",
    ]
    before = snapshot(policy, fields) if policy.pk else {}
    url = data.get("webhook_url") or ""
    if url and url != policy.webhook_url:
        try:
            webhooks.vet(url)  # the form checked it too; DNS may have changed since
        except webhooks.WebhookRefused as exc:
            raise ValidationError({"webhook_url": str(exc)}) from exc
    for name in fields:
        if name in data:
            setattr(policy, name, data[name])
    policy.full_clean()
    policy.save()
    after = snapshot(policy, fields)
    for snap in (before, after):
        if snap.get("webhook_secret"):
            snap["webhook_secret"] = "•••"  # noqa: S105 - a mask, not a secret
    logentry_create(
        actor=actor,
        action="notifications.policy.saved",
        obj=policy,
        unit=policy.agency,
        before=before,
        after=after,
    )
    return policy
