"""``{% document_link doc openable %}``: a link to a document only for who may open it.

``openable`` is the set from ``selectors.documents_openable_by(user, ids)``, computed once
per page (no query per row). Otherwise the code and title are shown without a link, with a
small muted note saying why.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def document_link(document: Any, openable: Container[int], with_title: bool = True) -> SafeString:
    label = f"{document.code} {document.title}" if with_title else document.code
    if document.pk in openable:
        url = reverse("documents:document_detail", kwargs={"pk": document.pk})
        return format_html('<a href="{}">{}</a>', url, label)
    why = (
        _("draft: open only to its authors, reviewers and approvers")
        if document.status == "draft"
        else _("not open to you")
    )
    return format_html(
        '<span class="doc-unlinked">{}</span> <small class="text-muted">({})</small>', label, why
    )
