"""Real local servers for the notification channels: SMTP, webhook receiver, dead broker."""

import contextlib
import http.server
import json
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from notifications.models import NotificationKind, NotificationPreference


def wait_for(predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.fixture
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    mail.outbox = []
    return mail


@pytest.fixture
def fast_retries(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0.05
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 0.2
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS = 0


def prefer(user, kind: str, **choice: bool) -> NotificationPreference:
    values = {"in_app": True, "email": True, "digest": False, **choice}
    return NotificationPreference.objects.create(user=user, kind=kind, **values)


@pytest.fixture
def opt_in():
    """Turn on the opt-in kind for a user (it is off by default)."""

    def make(user) -> NotificationPreference:
        return prefer(user, NotificationKind.NEED_PUBLISHED_FIT)

    return make


# SMTP ---------------------------------------------------------------------------------------


@dataclass
class SMTPServerState:
    # ok | 451 (temporary, MAIL) | bounce (550 on RCPT) | 550-mail | 552-data | 452-data
    mode: str = "ok"
    messages: list[bytes] = field(default_factory=list)
    sessions: int = 0
    refuse: set[str] = field(default_factory=set)  # addresses answered 550 on RCPT
    delay: float = 0.0  # seconds before accepting each message (a slow server)
    log_path: str = ""  # a mail log in Postfix's format, one line per accepted message

    def message_ids(self) -> list[str]:
        """The Message-ID of each accepted message, in order (the server's mail log)."""
        ids = []
        for message in self.messages:
            for line in message.split(b"\r\n"):
                if line.lower().startswith(b"message-id:"):
                    ids.append(line.split(b":", 1)[1].strip().decode())
                    break
        return ids


def _postfix_line(message: bytes) -> str:
    message_id = next(
        (
            line.split(b":", 1)[1].strip().decode()
            for line in message.split(b"\r\n")
            if line.lower().startswith(b"message-id:")
        ),
        "",
    )
    return f"Dec  3 18:00:00 relay postfix/cleanup[4711]: 4F3A21: message-id={message_id}\n"


class _SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        state: SMTPServerState = self.server.state
        state.sessions += 1
        self.reply("220 localhost test ESMTP")
        data: list[bytes] | None = None
        while line := self.rfile.readline():
            if data is not None:
                if line.rstrip(b"\r\n") == b".":
                    data, message = None, b"".join(data)
                    if state.mode == "552-data":
                        self.reply("552 5.3.4 message refused")
                    elif state.mode == "452-data":
                        self.reply("452 4.3.1 insufficient storage")
                    else:
                        time.sleep(state.delay)
                        state.messages.append(message)
                        if state.log_path:
                            with open(state.log_path, "a") as log:
                                log.write(_postfix_line(message))
                        self.reply("250 2.0.0 queued")
                else:
                    data.append(line)
                continue
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 localhost")
            elif command.startswith("MAIL"):
                self.reply(
                    "451 4.3.0 try again later"
                    if state.mode == "451"
                    else "550 5.7.1 sender refused"
                    if state.mode == "550-mail"
                    else "250 OK"
                )
            elif command.startswith("RCPT"):
                address = command.partition(":")[2].strip(" <>").lower()
                bounced = state.mode == "bounce" or address in state.refuse
                self.reply("550 5.1.1 no such mailbox" if bounced else "250 OK")
            elif command == "DATA":
                data = []
                self.reply("354 end with .")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            elif command.startswith(("RSET", "NOOP")):
                self.reply("250 OK")
            else:
                self.reply("502 not implemented")


class _ThreadingTCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture
def smtp_server(settings) -> Iterator[SMTPServerState]:
    """A real SMTP server on 127.0.0.1; set `.mode` to make it fail or bounce."""
    server = _ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.state = SMTPServerState()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.server_address[1]
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server.state
    server.shutdown()
    server.server_close()


# Webhook receiver ---------------------------------------------------------------------------


@dataclass
class WebhookReceiver:
    url: str
    status: int = 200
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def json(self, index: int = -1) -> dict:
        return json.loads(self.requests[index][1])


@contextlib.contextmanager
def webhook_receiver_running() -> Iterator[WebhookReceiver]:
    """A real HTTP server on 127.0.0.1 that records each POST and answers `.status`."""
    receiver = WebhookReceiver(url="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.requests.append((dict(self.headers.items()), body))
            self.send_response(receiver.status)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/delad-kompetens"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    with webhook_receiver_running() as receiver:
        yield receiver


# Broker ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def broker_unreachable() -> Iterator[None]:
    """Point the app's publishing side at a closed port (a real refused connection)."""
    from marketplace.celery import app

    saved = (app.conf.broker_url, app._pool, app.amqp._producer_pool)
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_url, app._pool, app.amqp._producer_pool = saved
