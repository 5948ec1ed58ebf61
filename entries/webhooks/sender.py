"""One signed POST of a delivery's body: to the address that was checked, no redirects followed.

http.client connects to exactly the address `addresses.resolve` checked (TLS still verifies the
host name), never follows a redirect, and the socket's timeout bounds the connect and every
read. Only the first bytes of the answer are read, for the delivery log.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from standardwebhooks import Webhook

from entries.webhooks.addresses import AddressRefused, Target, resolve

EXCERPT = 200
USER_AGENT = "Stepcraft-Webhooks/1"


@dataclass(frozen=True)
class Attempt:
    ok: bool
    status_code: int | None
    excerpt: str  # the start of the answer, or why there was none
    duration_ms: int


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._ip = target.ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout,
                         context=ssl.create_default_context())
        self._ip = target.ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def signature(secrets: list[str], message_id: str, moment: datetime, body: str) -> str:
    """The `webhook-signature` header: one `v1,…` per secret, space-separated (the spec's way
    of signing with two secrets during a rotation)."""
    return " ".join(Webhook(secret).sign(message_id, moment, body) for secret in secrets)


def headers(*, secrets: list[str], message_id: str, body: str,
            moment: datetime | None = None) -> dict[str, str]:
    moment = moment or datetime.now(UTC)
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signature(secrets, message_id, moment, body),
    }


def _excerpt(raw: bytes) -> str:
    return " ".join(raw.decode("utf-8", errors="replace").split())[:EXCERPT]


def post(url: str, body: str, request_headers: dict[str, str], timeout: float) -> Attempt:
    """POST `body` to `url`: a 2xx is a success; anything else, or no answer, is not."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = resolve(url)
    except AddressRefused as refused:
        return Attempt(False, None, f"Refused: {refused}"[:EXCERPT], took())
    connection_class = _HTTPSConnection if target.scheme == "https" else _HTTPConnection
    connection = connection_class(target, timeout)
    try:
        connection.request("POST", target.path, body=body.encode(), headers=request_headers)
        response = connection.getresponse()
        excerpt = _excerpt(response.read(EXCERPT * 4))
        status = response.status
    except TimeoutError:
        return Attempt(False, None, f"No answer within {timeout:g} s", took())
    except ssl.SSLError as error:
        return Attempt(False, None, f"TLS failed: {error.reason or error}"[:EXCERPT], took())
    except (OSError, http.client.HTTPException) as error:
        reason = type(error).__name__ + (f": {error}" if str(error) else "")
        return Attempt(False, None, f"Could not connect: {reason}"[:EXCERPT], took())
    finally:
        connection.close()
    if 300 <= status < 400:
        excerpt = f"Redirects are not followed (to {response.getheader('Location', '?')})"
    return Attempt(200 <= status < 300, status, excerpt[:EXCERPT], took())
