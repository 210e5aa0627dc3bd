"""The gunicorn settings read the environment, and a started worker freezes its objects."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[1] / "config" / "gunicorn.conf.py"


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "2")
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9001")
    conf = runpy.run_path(str(CONF))
    assert conf["workers"] == 2
    assert conf["bind"] == "127.0.0.1:9001"
    assert conf["preload_app"] is True
    assert conf["timeout"] == 90


def test_a_started_worker_freezes_what_it_loaded():
    conf = runpy.run_path(str(CONF))
    try:
        conf["post_worker_init"](None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
