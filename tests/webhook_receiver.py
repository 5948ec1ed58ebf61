"""A real HTTP receiver on loopback for webhook tests: records every request, answers as told.

`Receiver.script` is a list of behaviours used one per request (the last one repeats):
an int is the status to answer, "hang" waits past the sender's timeout, "slow" takes the event
(de-duplicated) and answers 200 after `hang_seconds`, "close" drops the
connection unanswered, "redirect" answers 302 to `/elsewhere`. `seen` de-duplicates on
`webhook-id`, as a careful receiver would.
"""

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    script: list = field(default_factory=lambda: [200])
    hang_seconds: float = 3.0
    requests: list[Received] = field(default_factory=list)
    seen: dict[str, Received] = field(default_factory=dict)  # webhook-id -> first delivery
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def next_behaviour(self):
        with self.lock:
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    def record(self, received: Received, *, accepted: bool) -> None:
        with self.lock:
            self.requests.append(received)
            if accepted:
                self.seen.setdefault(received.headers["webhook-id"], received)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.seen) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.seen.values())


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 -- http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            behaviour = receiver.next_behaviour()
            received = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            receiver.record(received, accepted=behaviour == "slow" or (
                isinstance(behaviour, int) and behaviour < 300))
            if behaviour in ("hang", "slow"):
                time.sleep(receiver.hang_seconds)
                if behaviour == "hang":
                    return
                behaviour = 200
            if behaviour == "close":
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if behaviour == "redirect":
                self.send_response(302)
                self.send_header("Location", "/elsewhere")
                self.end_headers()
                return
            try:
                self.send_response(behaviour)
                self.end_headers()
                self.wfile.write(f"answer {behaviour} for {self.path}".encode())
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender gave up (or was killed) before the answer

        def log_message(self, *args):  # quiet
            pass

    return Handler


def serve(receiver: Receiver, port: int = 0) -> Receiver:
    receiver.server = ThreadingHTTPServer(("127.0.0.1", port), _handler(receiver))
    receiver.server.daemon_threads = True
    threading.Thread(target=receiver.server.serve_forever, daemon=True).start()
    return receiver


def stop(receiver: Receiver) -> None:
    receiver.server.shutdown()
    receiver.server.server_close()
