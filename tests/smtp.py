"""A real SMTP server on loopback for tests: aiosmtpd, recording what it receives."""

import email
import email.policy
import socket
import threading
import time

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Recorder:
    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        if address in self.server.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.server.lock:
            self.server.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class RecordingSMTPServer:
    def __init__(self):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.messages = []  # (recipients, email.message.EmailMessage)
        self.refused = set()  # addresses answered 550 at RCPT
        self.lock = threading.Lock()
        self._controller = Controller(_Recorder(self), hostname=self.host, port=self.port)

    def __enter__(self):
        self._controller.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self._controller.loop.is_running():
            self._controller.stop()

    def wait_for(self, count: int, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.02)
        raise AssertionError(f"expected {count} messages, received {len(self.messages)}")

    def to(self, address: str):
        return [message for recipients, message in self.messages if address in recipients]
