"""A real SMTP server on loopback for tests: aiosmtpd, recording what it receives."""

import asyncio
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

    async def handle_MAIL(self, smtp, session, envelope, address, mail_options):
        if await self.server._held("MAIL", len(self.server.messages), smtp):
            return "421 4.3.2 Service shutting down"  # never reaches the aborted client
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        held = ("DATA", len(self.server.messages))
        with self.server.lock:
            self.server.messages.append((list(envelope.rcpt_tos), message))
        await self.server._held(*held, smtp)
        return "250 Message accepted for delivery"


class RecordingSMTPServer:
    def __init__(self):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.messages = []  # (recipients, email.message.EmailMessage)
        self.refused = set()  # addresses answered 550 at RCPT
        self.lock = threading.Lock()
        self._controller = Controller(_Recorder(self), hostname=self.host, port=self.port)
        self._hold = None  # (messages received, "MAIL" or "DATA")
        self.holding = threading.Event()  # set while a session is held
        self._release = threading.Event()
        self._drop = False

    def hold(self, after: int, at: str = "MAIL"):
        """Once `after` messages have arrived, keep the next session waiting at MAIL FROM
        (before the next message) or at the end of DATA (the message recorded, as a
        server that queued it, but not yet answered) until release() or drop(). Only
        one session is held."""
        self._hold = (after, at)

    def release(self):
        """Let the held session go on (if its client is still there)."""
        self._release.set()

    def drop(self):
        """Cut the held session's connection without an answer, as a dying server does."""
        self._drop = True
        self._release.set()

    async def _held(self, stage: str, received: int, smtp) -> bool:
        """Wait if this session is the one to hold; True when its connection was dropped."""
        with self.lock:
            if self._hold != (received, stage):
                return False
            self._hold = None
        self.holding.set()
        while not self._release.is_set():
            await asyncio.sleep(0.01)  # not a blocking wait: the server's loop runs on
        if self._drop:
            smtp.transport.abort()
        return self._drop

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
