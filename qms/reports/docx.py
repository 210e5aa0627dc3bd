"""Render a docxtpl template (a .docx with Jinja tags) from its path and a context.

Plain data in, bytes out; no model, no area. Each output keeps its template next to its
own code and passes the path. docxtpl renders with ``autoescape=True``, so any text
(``<``, ``&``, quotes) is written literally. :func:`clean` prepares every text first:
characters XML forbids are dropped and a newline inside a text becomes a line break.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# XML 1.0 forbids C0 controls except \t \n \r; docxtpl would also turn \a and \f into
# paragraph and page breaks, so they are dropped too.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """``text`` fit for a template: ``\\r\\n`` and ``\\r`` as ``\\n``, XML-illegal characters gone."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _FORBIDDEN.sub("", text)


@functools.cache
def _template_bytes(path: Path) -> bytes:
    return path.read_bytes()


def render(
    template_path: Path,
    context: Mapping[str, Any],
    *,
    title: str = "",
    subject: str = "",
    prepare: Callable[[DocxTemplate], None] | None = None,
) -> bytes:
    """Render the template at ``template_path`` with ``context`` and return the .docx bytes.

    ``title`` and ``subject`` go to the document properties (the template's comment is
    cleared); ``prepare`` may change the template's body before rendering (column widths).
    """
    template = DocxTemplate(io.BytesIO(_template_bytes(template_path)))
    if prepare is not None:
        template.init_docx()
        prepare(template)
    template.render(dict(context), autoescape=True)
    props = template.docx.core_properties
    props.title = clean(title)
    props.subject = clean(subject)
    props.comments = ""
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
