"""The daily digest: e-mails held for a user go out bundled at the user's hour."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qms.core.workdays import WorkCalendar
from qms.notifications.messages import DIGEST, MessageData
from qms.notifications.models import Channel, Notification, NotificationSettings, State
from qms.notifications.services import Outbox, absolute


def compute_digests(now: datetime.datetime, cal: WorkCalendar | None = None) -> int:
    """Bundle held e-mails into one digest per user, at the user's hour, on working days."""
    today, hour = timezone.localdate(now), timezone.localtime(now).hour
    cal = cal or WorkCalendar()
    if not cal.is_working_day(today):
        return 0
    waiting = set(
        Notification.objects.filter(state=State.HELD).values_list("recipient_id", flat=True)
    )
    if not waiting:
        return 0
    due_settings = [
        s
        for s in NotificationSettings.objects.filter(user_id__in=sorted(waiting))
        if s.digest_hour <= hour and (s.last_digest_on is None or s.last_digest_on < today)
    ]
    made = 0
    for s in due_settings:
        with transaction.atomic():
            held = list(
                Notification.objects.select_for_update()
                .filter(recipient_id=s.user_id, state=State.HELD)
                .order_by("created_at", "pk")
            )
            if not held:
                continue
            box = Outbox(now)
            box.add(
                recipients=[s.user_id],
                data=MessageData(
                    kind=DIGEST,
                    url=reverse("notifications:inbox"),
                    extra={"items": [(n.subject, absolute(n.url) if n.url else "") for n in held]},
                ),
                obj=None,
                agency_id=held[-1].agency_id,
                key=f"digest:{today}",
            )
            box.flush()
            digest = Notification.objects.filter(
                dedupe_key=f"digest:{today}:{s.user_id}:{Channel.EMAIL}"
            ).first()
            Notification.objects.filter(pk__in=[n.pk for n in held]).update(
                state=State.DIGESTED, digest=digest, sent_at=now
            )
            NotificationSettings.objects.filter(pk=s.pk).update(last_digest_on=today)
            made += 1
    return made
