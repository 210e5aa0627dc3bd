from functools import lru_cache
from typing import Any

from django.http import HttpRequest


@lru_cache(maxsize=1)
def _soffice() -> bool:
    from qms.reports.pdf import soffice_available

    return soffice_available()


def reports(request: HttpRequest) -> dict[str, Any]:
    """PDF links are shown only where LibreOffice is installed."""
    return {"soffice_available": _soffice()} if request.user.is_authenticated else {}
