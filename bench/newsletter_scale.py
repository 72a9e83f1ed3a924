"""`make bench-newsletter`: the weekly issue to 100,000 subscribers through a real SMTP sink.

    .venv/bin/python -m bench.newsletter_scale                       # the defaults below
    .venv/bin/python -m bench.newsletter_scale --subscribers 2000,20000 --kill-after 500
    .venv/bin/python -m bench.newsletter_scale --postgres            # a throwaway cluster

One base database (SQLite file in a temporary directory, or a throwaway
PostgreSQL cluster with --postgres): migrated, the seed loaded, 200 more tools
with takes and 100 comparisons (--tools), everything dated a month ago, then a week's
news made through the ORM (so take history records it): a dozen takes revised,
two comparisons published. Each scenario works on its own copy of it, filled
with N confirmed subscribers by bulk inserts (plus 1% pending or unsubscribed
ones who must get nothing; about a third follow 1 to 3 tools, half of them changed
this week, and a sixth follow a category, so personal issues have work to do).

Scenarios, each against its own sink process (bench/smtp_sink.py) on loopback:
- sizes (--subscribers, default 10,000 and 100,000): `manage.py send_weekly_digest`
  in a subprocess; messages per second (first to last message the sink logged),
  the run's wall time, and its peak memory: ru_maxrss from os.wait4() on the
  sender's pid (its own high-water RSS, as /proc/<pid>/status VmHWM), with
  /proc/<pid>/status VmRSS sampled every 0.1 s to tell publishing (before the
  first message) from delivering. The ratio of peaks across sizes is the
  flatness figure.
- crash (--kill-after N of --kill-subscribers): the sink SIGKILLs the sender as
  message N arrives (--kill-at data: logged, unanswered; claimed: at the next
  DATA command, the delivery claimed and nothing sent; mail: at the next
  MAIL FROM), the same command runs again, and an operator's step follows: when
  a delivery left "sending" has no line in the sink's log, `--requeue-interrupted`
  and once more. The sink's log is checked against the confirmed subscribers:
  received, duplicates, missing, unexpected, left "sending".
- queries (--queries Q): the command in-process at Q/2 and Q deliveries with a
  connection execute_wrapper counting every statement by shape; the difference
  gives queries per 100 deliveries and the fixed part.

Only the command line and the models' public fields are used, so the bench
measures whatever newsletter/digest.py and delivery.py do today. The work inside
the site is bench/newsletter_site.py; the report, bench/newsletter_report.py,
rewrites bench/NEWSLETTER.md (--report), keeping its "## Notes" section; --json
writes the raw numbers, --workdir keeps the databases and sink logs.
"""

import argparse
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.newsletter_report import report, write_report
from bench.smtp_sink import read_log

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REPORT = ROOT / "bench" / "NEWSLETTER.md"
SAMPLE_SECONDS = 0.1
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SEND = ["manage.py", "send_weekly_digest"]


def log(line=""):
    print(line, file=sys.stderr, flush=True)


class SQLiteDatabases:
    """Each database a file; a clone is an online backup of the base."""

    engine = "SQLite"

    def __init__(self, work: Path):
        self.work = work

    def env(self, name: str) -> dict:
        return {"DATABASE_URL": "", "SQLITE_PATH": str(self.work / f"{name}.sqlite3")}

    def create(self, name: str) -> None:
        pass

    def clone(self, source: str, name: str) -> None:
        base = sqlite3.connect(self.env(source)["SQLITE_PATH"])
        copy = sqlite3.connect(self.env(name)["SQLITE_PATH"])
        try:
            base.backup(copy)
        finally:
            copy.close()
            base.close()

    def stop(self) -> None:
        pass


class PostgresDatabases:
    """A throwaway cluster (bin/throwaway-postgres); a clone is CREATE DATABASE … TEMPLATE."""

    engine = "PostgreSQL"

    def __init__(self, work: Path):
        self.directory = work / "pg"
        self.directory.mkdir()
        os.chmod(work, 0o755)  # the postgres account reaches its cluster below it
        started = subprocess.run(
            [str(ROOT / "bin" / "throwaway-postgres"), "start", str(self.directory)],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        self.server = started.strip().split("=", 1)[1].rsplit("/", 1)[0]

    def env(self, name: str) -> dict:
        return {"DATABASE_URL": f"{self.server}/{name}"}

    def _sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as connection:
            connection.execute(statement)

    def create(self, name: str) -> None:
        self._sql(f'CREATE DATABASE "{name}"')

    def clone(self, source: str, name: str) -> None:
        self._sql(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')

    def stop(self) -> None:
        subprocess.run([str(ROOT / "bin" / "throwaway-postgres"), "stop", str(self.directory)])


class Bench:
    def __init__(self, args, work: Path, databases):
        self.args = args
        self.work = work
        self.databases = databases
        self.base_env = {
            **{
                key: value
                for key, value in os.environ.items()
                if key not in {"CACHE_URL", "REDIS_URL", "EMAIL_BACKEND", "ANYMAIL_ESP"}
            },
            "DJANGO_SETTINGS_MODULE": "shiporskip.settings.dev",
            "DEBUG": "false",  # as in production: DEBUG would keep every query in memory
            "SITE_URL": "https://shiporskip.example",
            "PAGE_CACHE_DIR": str(work / "pages"),
            "LOG_LEVEL": "WARNING",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_TIMEOUT": "60",
            "PYTHONPATH": str(ROOT),
        }

    def env(self, database: str, port: int = 25) -> dict:
        return {**self.base_env, **self.databases.env(database), "EMAIL_PORT": str(port)}

    def run(self, database: str, *args) -> None:
        subprocess.run(
            [PYTHON, *args], cwd=ROOT, env=self.env(database), check=True, stdout=subprocess.DEVNULL
        )

    def child(self, database: str, *args, port: int = 25) -> dict:
        out = subprocess.run(
            [PYTHON, "-m", "bench.newsletter_scale", "--child", *args],
            cwd=ROOT,
            env=self.env(database, port),
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        return json.loads(out.strip().splitlines()[-1])

    def build_base(self) -> dict:
        started = time.monotonic()
        self.databases.create("base")
        self.run("base", "manage.py", "migrate", "--noinput")
        self.run("base", "manage.py", "createcachetable")
        self.run("base", "manage.py", "loadseed")
        news = self.child("base", "prepare", "--tools", str(self.args.tools))
        news["seconds"] = time.monotonic() - started
        return news

    def database(self, name: str, subscribers: int) -> dict:
        """A copy of the base with `subscribers` confirmed readers."""
        self.databases.clone("base", name)
        changed = ",".join(map(str, self.news["changed_tool_ids"]))
        return self.child(name, "fill", "--subscribers", str(subscribers), "--changed", changed)

    def sink(self, name: str, kill_after: int = 0) -> "SinkProcess":
        return SinkProcess(self.work / name, kill_after, self.args.kill_at)

    def send(self, database: str, sink: "SinkProcess", *args) -> dict:
        """One run of the command in its own process: wall time, exit, memory."""
        samples = []
        done = threading.Event()
        output = sink.directory / f"sender-{time.monotonic_ns()}.log"
        started = time.monotonic()
        with open(output, "wb") as out:
            process = subprocess.Popen(
                [PYTHON, *SEND, *args],
                cwd=ROOT,
                env=self.env(database, sink.port),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        sink.pid_file.write_text(str(process.pid))

        def sample():
            """(time, VmRSS kB, CPU seconds so far) every SAMPLE_SECONDS."""
            status, stat = Path(f"/proc/{process.pid}/status"), Path(f"/proc/{process.pid}/stat")
            while not done.is_set():
                try:
                    found = re.search(r"VmRSS:\s+(\d+) kB", status.read_text())
                    # utime and stime, in clock ticks: fields 14 and 15 of stat(5).
                    utime, stime = stat.read_text().rsplit(")", 1)[1].split()[11:13]
                except (OSError, ValueError):
                    break
                if found:
                    cpu = (int(utime) + int(stime)) / CLOCK_TICKS
                    samples.append((time.monotonic(), int(found[1]), cpu))
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
        return {
            "started": started,
            "seconds": time.monotonic() - started,
            "exit": process.returncode,
            "peak_rss_kb": usage.ru_maxrss,
            "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "samples": samples,
            "output": output.read_text(errors="replace"),
        }

    def size(self, subscribers: int) -> dict:
        name = f"size{subscribers}"
        log(f"{subscribers:,} subscribers: filling…")
        fill = self.database(name, subscribers)
        stop_after = self.args.stop_after if 0 < self.args.stop_after < subscribers else 0
        with SinkProcess(self.work / name, stop_after, "mail") as sink:
            log(f"{subscribers:,} subscribers: sending…")
            run = self.send(name, sink)
            lines = sink.lines()
        check = self.child(name, "check", "--sink-log", str(sink.log))
        return {
            "subscribers": subscribers,
            "stopped_after": stop_after,
            "fill": fill,
            **summarise(run, lines),
            "sink_cpu_ms_per_message": sink.cpu_seconds * 1000 / len(lines) if lines else 0.0,
            "check": check,
        }

    def crash(self) -> dict:
        subscribers, kill_after = self.args.kill_subscribers, self.args.kill_after
        name = "crash"
        log(f"crash: {subscribers:,} subscribers, SIGKILL at message {kill_after:,}…")
        self.database(name, subscribers)
        runs = []
        with self.sink(name, kill_after) as sink:
            killed = self.send(name, sink)
            after_kill = self.child(name, "check", "--sink-log", str(sink.log))
            rerun = self.send(name, sink)
            after_rerun = self.child(name, "check", "--sink-log", str(sink.log))
            runs = [("killed", killed, after_kill), ("re-run", rerun, after_rerun)]
            # The operator's step (README, delivery.py): a delivery left "sending"
            # whose Message-ID the mail log lacks was never received: requeue it.
            if after_rerun["sending"] > after_rerun["sending_in_log"]:
                requeue = self.send(name, sink, "--requeue-interrupted")
                after = self.child(name, "check", "--sink-log", str(sink.log))
                runs.append(("--requeue-interrupted", requeue, after))
        return {
            "subscribers": subscribers,
            "kill_after": kill_after,
            "kill_at": self.args.kill_at,
            "runs": [
                {
                    "run": label,
                    "exit": run["exit"],
                    "seconds": run["seconds"],
                    "peak_rss_kb": run["peak_rss_kb"],
                    "check": check,
                    "output": run["output"][-2000:],
                }
                for label, run, check in runs
            ],
        }

    def queries(self) -> dict:
        """Statements at Q/2 and Q deliveries, in-process: the difference is per delivery."""
        counts = {}
        for deliveries in (self.args.queries // 2, self.args.queries):
            name = f"queries{deliveries}"
            log(f"queries: {deliveries:,} deliveries…")
            self.database(name, deliveries)
            with self.sink(name) as sink:
                counts[deliveries] = self.child(name, "queries", port=sink.port)
        return counts


class SinkProcess:
    """bench/smtp_sink.py in its own process, for one scenario."""

    def __init__(self, directory: Path, kill_after: int, kill_at: str):
        self.directory = directory
        directory.mkdir(exist_ok=True)
        self.port = free_port()
        self.log = directory / "sink.log"
        self.pid_file = directory / "sender.pid"
        self.command = [PYTHON, "-m", "bench.smtp_sink", "--port", str(self.port)]
        self.command += ["--log", str(self.log)]
        if kill_after:
            self.command += ["--kill-after", str(kill_after), "--kill-at", kill_at]
            self.command += ["--kill-pid-file", str(self.pid_file)]

    def __enter__(self):
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, stdout=subprocess.PIPE, text=True, env=os.environ
        )
        ready = self.process.stdout.readline().strip()
        if ready != "ready":
            self.process.kill()
            raise RuntimeError(f"the SMTP sink did not start: {ready!r}")
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        _, status, usage = os.wait4(self.process.pid, 0)
        self.process.returncode = os.waitstatus_to_exitcode(status)
        self.cpu_seconds = usage.ru_utime + usage.ru_stime

    def lines(self):
        return read_log(self.log)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def summarise(run: dict, lines: list) -> dict:
    """Throughput from the sink's times, memory by phase from the samples."""
    first = lines[0][0] if lines else run["started"] + run["seconds"]
    last = lines[-1][0] if lines else first
    before = [(kb, cpu) for moment, kb, cpu in run["samples"] if moment < first]
    during = [kb for moment, kb, _ in run["samples"] if moment >= first]
    # CPU the sender spent from its last sample before the first message to its exit.
    delivering_cpu = run["cpu_seconds"] - (before[-1][1] if before else 0.0)
    return {
        "exit": run["exit"],
        "seconds": run["seconds"],
        "messages": len(lines),
        "publish_seconds": first - run["started"],
        "deliver_seconds": last - first,
        "per_second": (len(lines) - 1) / (last - first) if last > first else 0.0,
        "mean_bytes": sum(size for *_, size in lines) / len(lines) if lines else 0,
        "peak_rss_kb": run["peak_rss_kb"],
        "rss_before_first_kb": max((kb for kb, _ in before), default=0),
        "rss_delivering_kb": max(during, default=0),
        "rss_last_kb": run["samples"][-1][1] if run["samples"] else 0,
        "cpu_seconds": run["cpu_seconds"],
        "sender_cpu_ms_per_message": delivering_cpu * 1000 / len(lines) if lines else 0.0,
        "output": run["output"][-2000:],
    }


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        from bench.newsletter_site import child

        return child(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", default="10000,100000", help="sizes, comma-separated")
    parser.add_argument(
        "--stop-after",
        type=int,
        default=0,
        metavar="M",
        help="stop each size's run after M messages (the sink kills the sender at the "
        "next MAIL FROM): publishing for all N and M deliveries, on a machine too slow for all",
    )
    parser.add_argument("--kill-after", type=int, default=5000, help="0: no crash scenario")
    parser.add_argument("--kill-subscribers", type=int, default=10000)
    parser.add_argument(
        "--kill-at",
        choices=["data", "claimed", "mail"],
        default="data",
        help="data: message N logged, unanswered; claimed: at the DATA command after "
        "message N; mail: at the MAIL FROM after it (bench/smtp_sink.py)",
    )
    parser.add_argument("--queries", type=int, default=2000, help="0: no query count")
    parser.add_argument("--tools", type=int, default=200, help="bench tools beside the seed")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    parser.add_argument("--workdir", type=Path, help="keep databases and logs here")
    args = parser.parse_args(argv)
    if args.kill_after and args.kill_after >= args.kill_subscribers:
        parser.error("--kill-after must be below --kill-subscribers")
    sizes = sorted(int(n) for n in args.subscribers.split(",") if n)
    started = time.monotonic()
    load_before = " ".join(f"{n:.1f}" for n in os.getloadavg())
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        work = args.workdir
    else:
        work = Path(tempfile.mkdtemp(prefix="bench-newsletter-"))
    databases = PostgresDatabases(work) if args.postgres else SQLiteDatabases(work)
    try:
        bench = Bench(args, work, databases)
        log(f"Building the base database ({databases.engine})…")
        bench.news = bench.build_base()
        results = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "engine": databases.engine,
            "command": " ".join(["python -m bench.newsletter_scale", *argv]),
            "args": {key: str(value) for key, value in vars(args).items()},
            "load_before": load_before,
            "news": bench.news,
            "sizes": [],
            "crash": None,
            "queries": None,
        }

        def save() -> list[str]:
            """Rewrite the report after each scenario: a long run stopped by hand
            still leaves what it measured."""
            results["load_after"] = " ".join(f"{n:.1f}" for n in os.getloadavg())
            results["seconds"] = time.monotonic() - started
            lines = report(results)
            write_report(args.report, lines)
            if args.json:
                args.json.write_text(json.dumps(results, indent=1))
            return lines

        # The short scenarios first, the largest size last.
        if args.queries:
            results["queries"] = bench.queries()
            save()
        if args.kill_after:
            results["crash"] = bench.crash()
            save()
        for subscribers in sizes:
            results["sizes"].append(bench.size(subscribers))
            save()
    finally:
        databases.stop()
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    print("\n".join(report(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
