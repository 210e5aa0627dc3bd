"""Shared pieces of the outbox tests: a recording SMTP handler, a recording HTTP
receiver, and a queued reminder."""

from __future__ import annotations

import datetime
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from qms.notifications.messages import MessageData
from qms.notifications.models import Channel, Notification
from qms.notifications.services import Outbox
from qms.planning.notifications import Kind, TaskFacts


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def queue_task_reminder(user: Any, task_pk: int = 42) -> Notification:
    facts = TaskFacts(
        pk=task_pk,
        number=6,
        content="Đánh giá nội bộ",
        plan_label="187/KH-SGDĐT (2022)",
        agency_name="Sở Giáo dục và Đào tạo Hưng Yên",
        lead_names="Lãnh đạo Sở, Ban ISO",
        timing_text="Từ 01/6 đến 30/7/2022",
        due=datetime.date(2022, 7, 30),
        url=f"/plans/tasks/{task_pk}/",
    )
    box = Outbox()
    box.add(
        recipients=[user.pk],
        data=MessageData(kind=Kind.TASK_DUE_SOON, facts=facts, url=facts.url, extra={"days": 3}),
        obj=None,
        agency_id=user.unit.agency_id,
    )
    box.flush()
    row = Notification.objects.filter(recipient=user, channel=Channel.EMAIL).order_by("-pk")
    return row[0]


class Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((dict(self.headers), body))
        self.send_response(Receiver.status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


class Redirecting(Receiver):
    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((dict(self.headers), body))
        self.send_response(307)
        self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        self.end_headers()


def serve(handler: type[BaseHTTPRequestHandler], settings: Any) -> Any:
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Receiver.received = []
    Receiver.status = 200
    # The loopback address is refused by default; these tests list it explicitly.
    settings.NOTIFY_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    return server
