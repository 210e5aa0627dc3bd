"""The queries one page makes, slowest first, with the page's time in process.

    DJANGO_SETTINGS_MODULE=bench.settings \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eiso_http \\
    .venv/bin/python bench/queries.py /objectives/sets/33/ leader

Runs against a database seeded by bench/http.py, signed in as the bench user given
(leader, iso, head or admin); prints the status, the time, the number of queries, their
total and the slowest ones. Use it with ``bench/http.py --profile`` to find a page's cost.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
else:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from qms.accounts.models import User

    url, username = argv[0], argv[1] if len(argv) > 1 else "leader"
    show = int(argv[2]) if len(argv) > 2 else 8
    client = Client()
    client.force_login(User.objects.get(username=username))
    for _ in range(2):  # the session's first request stamps it; templates load
        client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
    queries = ctx.captured_queries
    total = sum(float(q["time"]) for q in queries) * 1000
    print(f"{response.status_code} {elapsed:.1f} ms, {len(queries)} queries, {total:.1f} ms SQL")
    for q in sorted(queries, key=lambda q: -float(q["time"]))[:show]:
        print(f"{float(q['time']) * 1000:6.1f}  {q['sql'][:400]}")


if __name__ == "__main__":
    main(sys.argv[1:])
