"""A real SMTP server on loopback (aiosmtpd) that records what it accepts, and can misbehave.

`reply` answers RCPT or DATA with a chosen code (a 4xx to test retries, a 5xx for permanent
failures); `stall` holds the next DATA unanswered until released, as a server hanging mid-send.
A message counts as delivered only once the sink answered 250 to its DATA.
"""

import asyncio
import email
import email.policy
import socket
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.rcpt_reply: str | None = None
        self.data_reply: str | None = None
        self.stalling = False
        self.stalled = threading.Event()
        self.lock = threading.Lock()
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.sessions += 1
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.stalling:
            self.stalled.set()
            while self.stalling:
                await asyncio.sleep(0.05)
            return "421 Closing after a stall"
        if self.data_reply:
            return self.data_reply
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in m["To"]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SinkServer:
    """`idle_timeout`: seconds after which the server drops an idle connection (421)."""

    def __init__(self, idle_timeout: float = 300):
        self.sink = Sink()
        self.port = free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port,
                                     timeout=idle_timeout)

    def __enter__(self) -> "SinkServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.sink.stalling = False
        self.controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"
