"""Local stand-ins for the providers: an HTTP server on 127.0.0.1 (a free port) that
answers like the WhatsApp Cloud API or MSG91's Flow API and records every request, so
the real provider code runs over real HTTP without leaving the machine.

    with FakeWhatsApp() as server:
        use_whatsapp(settings, server)
        server.reply("/messages", 429, {"error": {...}})   # the next /messages answer
        ... send ...
        assert server.posts("/messages") == 1
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from customers.tests.factories import CustomerFactory
from messaging.models import Message

PHONE_NUMBER_ID = "106540352242922"
ACCESS_TOKEN = "EAAtest-token"
APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
SMS_AUTH_KEY = "test-msg91-authkey"
SMS_SECRET = "test-sms-webhook-secret"


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class FakeServer:
    """Answers each request from the replies queued for the end of its path, else from
    `default_reply`; records the requests in order."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.answers: list[Any] = []  # the bodies answered, in order
        self._queued: dict[str, deque] = defaultdict(deque)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                headers = {name.lower(): value for name, value in self.headers.items()}
                request = Recorded("POST", self.path, headers, self.rfile.read(length))
                status, body = fake._answer(request)
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args) -> None:  # keep the test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def reply(self, path_end: str, status: int, body: Any) -> None:
        """Queue the answer to the next request whose path ends with `path_end`."""
        self._queued[path_end].append((status, body))

    def posts(self, path_end: str) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith(path_end)]

    def next_id(self) -> int:
        return next(self._ids)

    def default_reply(self, request: Recorded) -> tuple[int, Any]:
        return 404, {"error": {"message": "Unknown path", "code": 100}}

    def _answer(self, request: Recorded) -> tuple[int, Any]:
        with self._lock:
            self.requests.append(request)
            answer = next(
                (
                    q.popleft()
                    for end, q in self._queued.items()
                    if request.path.endswith(end) and q
                ),
                None,
            ) or self.default_reply(request)
            self.answers.append(answer[1])
            return answer

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class FakeWhatsApp(FakeServer):
    """Graph API v21.0: /{phone-number-id}/messages and /{phone-number-id}/media."""

    def default_reply(self, request: Recorded) -> tuple[int, Any]:
        if request.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
            return 401, {"error": {"message": "Invalid OAuth access token.", "code": 190}}
        if request.path.endswith(f"/{PHONE_NUMBER_ID}/media"):
            return 200, {"id": f"media-{self.next_id()}"}
        if request.path.endswith(f"/{PHONE_NUMBER_ID}/messages"):
            to = request.json["to"]
            return 200, {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": f"wamid.HBgLOTE{self.next_id():06d}"}],
            }
        return super().default_reply(request)


class FakeMsg91(FakeServer):
    """MSG91's Flow API: POST /api/v5/flow with an authkey header."""

    def default_reply(self, request: Recorded) -> tuple[int, Any]:
        if request.headers.get("authkey") != SMS_AUTH_KEY:
            return 401, {"type": "error", "message": "Authentication failure"}
        return 200, {"type": "success", "message": f"3665646f{self.next_id():010d}"}


def whatsapp_error(code: int, message: str, kind: str = "OAuthException") -> dict:
    """The Graph API's error body."""
    return {
        "error": {
            "message": message,
            "type": kind,
            "code": code,
            "error_subcode": 2494010,
            "fbtrace_id": "AbCdEfGhIjK",
        }
    }


def use_whatsapp(settings, server: FakeWhatsApp) -> None:
    """Point the WhatsApp backend at the fake server (pytest-django's `settings`)."""
    settings.MESSAGING_BACKEND = ["whatsapp"]
    settings.WHATSAPP_API_URL = f"{server.url}/v21.0"
    settings.WHATSAPP_PHONE_NUMBER_ID = PHONE_NUMBER_ID
    settings.WHATSAPP_ACCESS_TOKEN = ACCESS_TOKEN


def use_msg91(settings, server: FakeMsg91) -> None:
    settings.MESSAGING_BACKEND = ["sms"]
    settings.SMS_API_URL = f"{server.url}/api/v5/flow"
    settings.SMS_AUTH_KEY = SMS_AUTH_KEY
    settings.SMS_SENDER_ID = "ERLYBD"


def queued_message(**fields) -> Message:
    """A queued outbox row for a new customer, written straight through the ORM."""
    customer = fields.pop("customer", None) or CustomerFactory(name="Lakshmi Devi")
    values = {
        "customer": customer,
        "to": customer.phone,
        "channel": Message.Channel.WHATSAPP,
        "purpose": Message.Purpose.BILL_ISSUED,
        "text": "Your milk bill for October is ₹1,234.00, due by 10 Nov.",
    }
    return Message.objects.create(**{**values, **fields})


def signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
