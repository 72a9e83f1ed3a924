"""The newsletter bench's mail server: a loopback SMTP sink in its own process.

    python -m bench.smtp_sink --port 2525 --log sink.log [--kill-after N --kill-pid-file F]

It accepts every message (aiosmtpd, as tests/smtp.py) and, before answering
each DATA with 250, appends one line to the log file:

    <time.monotonic() seconds>\\t<recipient>\\t<Message-ID>\\t<message bytes>

written with one unbuffered write(2) on an O_APPEND file, so a line is either
all there or absent, whatever dies afterwards. CLOCK_MONOTONIC is the same
clock in every process of the machine, so the bench compares these times with
its own. Nothing is parsed beyond the Message-ID header: the sink must not be
the bottleneck it measures.

With --kill-after N it sends SIGKILL to the process whose pid is in
--kill-pid-file at a chosen moment, once (--kill-at):
- "data": when message N has been logged, before it is answered: the sender dies
  with the message delivered but unacknowledged, its delivery left "sending"
  (the worst moment, which the operator resolves from this log);
- "claimed": at the DATA command after message N: the sender has claimed
  delivery N + 1 ("sending", committed) and the server has none of it, so only
  the operator's --requeue-interrupted, after checking this log, sends it;
- "mail": at the MAIL FROM after message N: message N acknowledged, the next
  one not begun.

Prints "ready" on stdout once it listens; stops on SIGTERM or SIGINT.
"""

import argparse
import os
import re
import signal
import sys
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)


def read_log(path: Path) -> list[tuple[float, str, str, int]]:
    """(monotonic seconds, recipient, Message-ID, bytes) per message, in arrival order;
    [] before the first."""
    if not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines():
        moment, recipient, message_id, size = line.split("\t")
        rows.append((float(moment), recipient, message_id, int(size)))
    return rows


class Sink:
    """aiosmtpd handler: log each message, kill the sender once if asked."""

    def __init__(self, log_path: str, kill_after: int, kill_at: str, kill_pid_file: str):
        self.log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.received = 0
        self.kill_after = kill_after
        self.kill_at = kill_at
        self.kill_pid_file = kill_pid_file

    def _kill_sender(self) -> None:
        self.kill_after = 0  # once
        with open(self.kill_pid_file) as pid_file:
            os.kill(int(pid_file.read()), signal.SIGKILL)

    def before_data(self) -> None:
        if self.kill_at == "claimed" and self.kill_after and self.received == self.kill_after:
            self._kill_sender()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.kill_at == "mail" and self.kill_after and self.received == self.kill_after:
            self._kill_sender()
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.content
        headers = content.split(b"\r\n\r\n", 1)[0]
        found = MESSAGE_ID.search(headers)
        message_id = found[1].decode("ascii", "replace") if found else "-"
        for recipient in envelope.rcpt_tos:
            line = f"{time.monotonic():.6f}\t{recipient}\t{message_id}\t{len(content)}\n"
            os.write(self.log, line.encode())
        self.received += 1
        if self.kill_at == "data" and self.kill_after and self.received == self.kill_after:
            self._kill_sender()
        return "250 Message accepted for delivery"


class _SMTP(SMTP):
    """aiosmtpd's server with a hook at the DATA command, before the message comes."""

    async def smtp_DATA(self, arg):
        self.event_handler.before_data()
        return await super().smtp_DATA(arg)


class _Controller(Controller):
    def factory(self):
        return _SMTP(self.handler, **self.SMTP_kwargs)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True, help="file to append one line per message to")
    parser.add_argument("--kill-after", type=int, default=0, metavar="N")
    parser.add_argument("--kill-at", choices=["data", "claimed", "mail"], default="data")
    parser.add_argument("--kill-pid-file", default="")
    args = parser.parse_args(argv)
    if args.kill_after and not args.kill_pid_file:
        parser.error("--kill-after needs --kill-pid-file")
    handler = Sink(args.log, args.kill_after, args.kill_at, args.kill_pid_file)
    controller = _Controller(handler, hostname="127.0.0.1", port=args.port)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    controller.start()
    print("ready", flush=True)
    stop.wait()
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
