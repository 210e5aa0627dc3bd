"""gunicorn settings: ``gunicorn -c config/gunicorn.conf.py config.wsgi``.

Every value can be changed from the environment. The application is loaded once in the
master (``preload_app``) and its start-up objects frozen out of the garbage collector's
reach (``config/wsgi.py``), so the workers share them copy-on-write and a full
collection, which would otherwise walk all of Django, does not stall a request (the p95).
"""

from __future__ import annotations

import gc
import os
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# A PDF conversion may wait PDF_SLOT_WAIT (10 s) and run PDF_TIMEOUT (60 s).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "90"))
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None


def post_worker_init(worker: Any) -> None:
    """Freeze what the worker built on top of the master's objects (everything, when the
    application is not preloaded), so collections walk only what requests create."""
    gc.collect()
    gc.freeze()
