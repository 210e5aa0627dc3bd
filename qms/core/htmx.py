from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django_htmx.http import HttpResponseClientRedirect


def htmx_partial(request: HttpRequest) -> bool:
    """True when htmx asks for a fragment (not a boosted full-page navigation)."""
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    return not htmx.boosted and not htmx.history_restore_request


def htmx_redirect(request: HttpRequest, url: str) -> HttpResponse:
    """Go to ``url`` after a write: a 302, or for an htmx fragment request a client
    redirect (htmx would follow a 302 itself and swap the whole page into the fragment)."""
    if htmx_partial(request):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)
