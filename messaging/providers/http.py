"""The little HTTP the providers need, on the standard library (no client library to
install): a POST with a timeout that answers (status, parsed JSON), and a multipart body.
A connection that fails or times out is a TransientSendError: the provider may be back
in a minute; what it answers is the provider module's to judge."""

from __future__ import annotations

import http.client
import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from messaging.providers.base import PermanentSendError, TransientSendError


@dataclass(frozen=True)
class Answer:
    status: int
    data: Any  # the parsed JSON body; None when the body is not JSON
    text: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    if not url.startswith(("https://", "http://")):
        raise PermanentSendError(f"The provider's URL {url!r} is not an http(s) URL.")
    # The scheme is checked above: only http(s), never file:.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except (urllib.error.URLError, http.client.HTTPException, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TransientSendError(f"Could not reach the provider: {reason}") from exc
    text = raw.decode("utf-8", errors="replace")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    return Answer(status=status, data=data, text=text[:500])


def post_json(url: str, payload: dict, *, headers: dict[str, str], timeout: float) -> Answer:
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {**headers, "Content-Type": "application/json", "Accept": "application/json"}
    return post(url, body=body, headers=headers, timeout=timeout)


def multipart(
    fields: dict[str, str], *, file_field: str, filename: str, content: bytes, content_type: str
) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type header."""
    boundary = f"----earlybird{secrets.token_hex(12)}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    safe_name = filename.replace('"', "").replace("\r", "").replace("\n", "")
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{safe_name}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
