"""Notification centre, preferences, calendar feed, outbox and reminder policy pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qms.accounts import permissions
from qms.accounts.models import User
from qms.core import keyset
from qms.core.htmx import htmx_partial
from qms.core.http import AuthedRequest
from qms.core.models import OrgUnit
from qms.notifications import services
from qms.notifications.forms import InboxFilterForm, OutboxFilterForm, PolicyForm, PreferencesForm
from qms.notifications.ics import user_calendar
from qms.notifications.models import (
    Channel,
    Notification,
    NotificationPreference,
    NotificationSettings,
    State,
)

PAGE_SIZE = 25


@require_GET
def inbox(request: AuthedRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    qs = Notification.objects.in_app_for(request.user)
    if form.is_valid():
        if form.cleaned_data["show"] == "unread":
            qs = qs.unread()
        if form.cleaned_data["kind"]:
            qs = qs.filter(kind=form.cleaned_data["kind"])
    page = Paginator(
        qs.only("id", "kind", "subject", "body", "url", "created_at", "read_at"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    template = (
        "notifications/partials/_inbox_rows.html"
        if htmx_partial(request)
        else "notifications/inbox.html"
    )
    return render(request, template, {"form": form, "page": page})


@require_GET
def open_notification(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark as read and go to what it is about."""
    n = get_object_or_404(Notification.objects.in_app_for(request.user), pk=pk)
    if n.read_at is None:
        services.mark_read(user=request.user, ids=[n.pk])
    if n.url and url_has_allowed_host_and_scheme(n.url, allowed_hosts=None):
        return redirect(n.url)
    return redirect("notifications:inbox")


def _safe_next(request: AuthedRequest, fallback: str) -> str:
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return fallback


@require_POST
def mark_read(request: AuthedRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    count = services.mark_read(user=request.user, ids=ids or None)
    if not ids:
        messages.success(request, _("All notifications marked as read."))
    elif count:
        messages.success(request, _("Marked as read."))
    return redirect(_safe_next(request, reverse("notifications:inbox")))


@require_http_methods(["GET", "POST"])
def preferences(request: AuthedRequest) -> HttpResponse:
    user = request.user
    settings_obj = services.settings_for(user)
    enabled = {
        (p.kind, p.channel): p.enabled for p in NotificationPreference.objects.filter(user=user)
    }
    form = PreferencesForm(
        request.POST or None,
        enabled=enabled,
        initial={"email_mode": settings_obj.email_mode, "digest_hour": settings_obj.digest_hour},
    )
    if request.method == "POST" and form.is_valid():
        services.preferences_save(
            user=user,
            email_mode=form.cleaned_data["email_mode"],
            digest_hour=form.cleaned_data["digest_hour"],
            enabled=form.enabled(),
        )
        messages.success(request, _("Notification preferences saved."))
        return redirect("notifications:preferences")
    feed_url = (
        request.build_absolute_uri(
            reverse("notifications:ics_feed", kwargs={"token": settings_obj.ics_token})
        )
        if settings_obj.ics_token
        else ""
    )
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "settings_obj": settings_obj, "feed_url": feed_url},
    )


@require_POST
def ics_token(request: AuthedRequest) -> HttpResponse:
    if request.POST.get("action") == "revoke":
        services.ics_token_revoke(user=request.user)
        messages.success(request, _("Calendar link revoked: subscriptions using it stop working."))
    else:
        services.ics_token_regenerate(user=request.user)
        messages.success(
            request, _("New calendar link created; the old one, if any, no longer works.")
        )
    return redirect(reverse("notifications:preferences") + "#calendar")


@login_not_required
@require_GET
def ics_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's task deadlines as iCalendar; the secret token is the only credential."""
    s = (
        NotificationSettings.objects.select_related("user")
        .filter(ics_token=token, user__is_active=True)
        .first()
    )
    if s is None or not token:
        raise Http404
    body = user_calendar(s.user, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="eiso-tasks.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


# --------------------------------------------------------------------------- admin


def _outbox_scope(user: User) -> QuerySet[Notification]:
    """Outgoing messages (e-mail, webhook) of the agencies the administrator manages."""
    if not permissions.has_any_role(user, "notifications.manage_outbox"):
        raise PermissionDenied
    outgoing = Notification.objects.exclude(channel=Channel.IN_APP)
    scope = permissions.unit_scope_q(user, "notifications.manage_outbox")
    if not scope:  # a superuser: every message
        return outgoing
    # Id lists on the message's own columns (not an OR across joins), so PostgreSQL reads
    # the agency's messages through its indexes instead of the whole outbox.
    units = list(OrgUnit.objects.filter(scope).values_list("pk", flat=True))
    people = list(User.objects.filter(unit__in=units).values_list("pk", flat=True))
    return outgoing.filter(Q(agency__in=units) | Q(agency__isnull=True, recipient__in=people))


@require_GET
def outbox(request: AuthedRequest) -> HttpResponse:
    qs = _outbox_scope(request.user)
    form = OutboxFilterForm(request.GET or None)
    if form.is_valid():
        d = form.cleaned_data
        if d["state"]:
            qs = qs.filter(state=d["state"])
        if d["channel"]:
            qs = qs.filter(channel=d["channel"])
        if d["q"]:
            qs = qs.filter(
                Q(subject__icontains=d["q"])
                | Q(recipient__username__icontains=d["q"])
                | Q(recipient__email__icontains=d["q"])
                | Q(recipient__last_name__icontains=d["q"])
            )
    counts = dict(
        _outbox_scope(request.user)
        .order_by()
        .values("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    # Keyset pages: the outbox only grows, and OFFSET would read every row before the page.
    page = keyset.keyset_page(
        qs.select_related("recipient", "agency"),
        ("-created_at", "-id"),
        older=request.GET.get("older"),
        newer=request.GET.get("newer"),
        size=PAGE_SIZE,
    )
    filter_query = request.GET.copy()
    for key in ("older", "newer", "page"):
        filter_query.pop(key, None)
    return render(
        request,
        "notifications/outbox.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "states": State,
            "filter_query": filter_query.urlencode(),
        },
    )


@require_POST
def outbox_action(request: AuthedRequest, pk: int) -> HttpResponse:
    """Retry or cancel: only rows of the outbox scope (404 otherwise), decided on the row's own agency
    (or, without one, its recipient's unit) with the strict ``can``."""
    n = get_object_or_404(
        _outbox_scope(request.user).select_related("agency", "recipient__unit"), pk=pk
    )
    target = n.agency or (n.recipient.unit if n.recipient else None)
    if target is None or not permissions.can(request.user, "notifications.manage_outbox", target):
        raise PermissionDenied
    if request.POST.get("action") == "cancel":
        services.notification_cancel(actor=request.user, notification=n)
        messages.success(request, _("Message cancelled."))
    else:
        services.notification_retry(actor=request.user, notification=n)
        messages.success(request, _("Message queued again; it goes out with the next pass."))
    return redirect(_safe_next(request, reverse("notifications:outbox")))


def _policy_agencies(user: User) -> QuerySet[OrgUnit]:
    """Agencies whose reminder settings the user may *read* (a role inside the agency)."""
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.AGENCY, archived_at__isnull=True).filter(
        permissions.agency_scope_q_for_reading(user, "notifications.view_policy")
    )


def _policy_agency(request: AuthedRequest, agencies: QuerySet[OrgUnit]) -> OrgUnit:
    agency_param = request.GET.get("agency", "")
    agency = agencies.filter(pk=agency_param).first() if agency_param.isdigit() else None
    own = request.user.unit.agency if request.user.unit else None
    agency = agency or (own if own and agencies.filter(pk=own.pk).exists() else agencies.first())
    if agency is None:
        raise PermissionDenied
    return agency


def _read_only(form: PolicyForm) -> None:
    for field in form.fields.values():
        field.disabled = True
    url = form.fields["webhook_url"].initial or ""
    if url:  # the path of a webhook URL often is its credential: show the host only
        form.fields["webhook_url"].initial = url.split("//", 1)[-1].split("/", 1)[0]


@require_http_methods(["GET", "POST"])
def policy(request: AuthedRequest) -> HttpResponse:
    """Read by anyone managing reminders inside the agency; changed only by a role held on
    the agency itself (a school's or a division's ISO officer cannot)."""
    agencies = _policy_agencies(request.user)
    if not agencies.exists():
        raise PermissionDenied
    agency = _policy_agency(request, agencies)
    can_edit = permissions.can(request.user, "notifications.manage_policy", agency)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    instance = services.policy_for(agency)
    form = PolicyForm(request.POST or None, instance=instance)
    if not can_edit:
        _read_only(form)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_save(actor=request.user, policy=instance, data=form.cleaned_data)
        except ValidationError as exc:  # e.g. the webhook host now resolves inside
            form.add_error(None, exc)
        else:
            messages.success(request, _("Reminder settings saved."))
            return redirect(f"{reverse('notifications:policy')}?agency={agency.pk}")
    return render(
        request,
        "notifications/policy.html",
        {
            "form": form,
            "agency": agency,
            "agencies": agencies,
            "has_secret": bool(instance.webhook_secret),
            "can_edit": can_edit,
        },
    )


@require_GET
def weekly_xlsx_moved(request: AuthedRequest, agency: int) -> HttpResponse:
    """The weekly summary's old address (mails already sent link to it): the export is
    planning's now."""
    return redirect("planning:weekly_xlsx", agency=agency, permanent=True)
