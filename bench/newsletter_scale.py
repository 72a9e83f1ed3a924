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
measures whatever newsletter/digest.py and delivery.py do today. Writes
bench/NEWSLETTER.md (--report), keeping its "## Notes" section; --json writes
the raw numbers, --workdir keeps the databases and sink logs.
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
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REPORT = ROOT / "bench" / "NEWSLETTER.md"
NOTES = "## Notes"
BATCH = 5000
SAMPLE_SECONDS = 0.1
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SEND = ["manage.py", "send_weekly_digest"]


def log(line=""):
    print(line, file=sys.stderr, flush=True)


# --- In the site's environment (children: python -m bench.newsletter_scale --child …) ---


def child_prepare(tools: int, seed: int) -> dict:
    """Add `tools` bench tools with takes and comparisons, date every row a month
    back, then make this week's news through the ORM."""
    from datetime import timedelta

    from django.utils import timezone

    from comparisons.models import Comparison
    from verdicts.models import Call, Take, Tool

    month_ago = timezone.now() - timedelta(days=30)
    _add_tools(tools, seed)
    Take.objects.update(created_at=month_ago, updated_at=month_ago)
    Comparison.objects.update(published_at=month_ago, updated_at=month_ago)
    Tool.objects.update(published_at=month_ago)
    changed = []
    for tool in Tool.objects.published().order_by("pk")[::17][:12]:
        take = tool.takes.order_by("pk").first()
        if take is None:
            continue
        # A flipped call: a verdict change a follower's issue leads with.
        take.call = Call.SKIP if take.call == Call.SHIP else Call.SHIP
        take.score = 40 if take.call == Call.SKIP else 80
        take.save()
        changed.append(tool.pk)
    day_ago = timezone.now() - timedelta(days=1)
    new = list(Comparison.objects.order_by("-pk").values_list("pk", flat=True)[:2])
    Comparison.objects.filter(pk__in=new).update(published_at=day_ago, updated_at=day_ago)
    return {"changed_tool_ids": changed, "new_comparisons": len(new)}


def _add_tools(count: int, seed: int) -> None:
    """Tools in five categories, a take per persona, a comparison per two tools.

    bulk_create, not bench/fill_benchmark_data.py's raw inserts: Django fills the
    defaults of columns added later, so this keeps working as the models grow.
    """
    import random

    from comparisons.models import Comparison, tools_key
    from verdicts.models import Call, Category, Persona, Take, Tool
    from verdicts.tallies import recount_panels

    rng = random.Random(seed)
    categories = [
        Category.objects.get_or_create(name=f"Bench category {n}")[0].pk for n in range(5)
    ]
    Tool.objects.bulk_create(
        Tool(
            name=f"Bench tool {n:04d}",
            slug=f"bench-tool-{n:04d}",
            logo_initial="B",
            category_id=categories[n % len(categories)],
            tagline="An agent for the pipeline, priced by the token.",
            description="What it does, for readers.",
            description_html="<p>What it does, for readers.</p>",
            entry_tier=Tool.EntryTier.FREEMIUM,
            is_published=True,
        )
        for n in range(count)
    )
    tool_ids = list(Tool.objects.filter(slug__startswith="bench-").values_list("pk", flat=True))
    personas = list(Persona.objects.values_list("pk", flat=True))
    takes = []
    for tool_id in tool_ids:
        for persona_id in personas:
            score = rng.randint(20, 95)
            call = Call.SHIP if score >= 55 else Call.SKIP
            takes.append(
                Take(tool_id=tool_id, persona_id=persona_id, score=score, call=call, body="A take.")
            )
    Take.objects.bulk_create(takes, batch_size=BATCH)
    recount_panels(Tool.objects.filter(slug__startswith="bench-"), fix=True)
    pairs = zip(tool_ids[::2], tool_ids[1::2], strict=False)
    Comparison.objects.bulk_create(
        Comparison(tool_a_id=a, tool_b_id=b, tools_key=tools_key((a, b)), is_published=True)
        for a, b in pairs
    )


def child_fill(subscribers: int, changed_tool_ids: list[int], seed: int) -> dict:
    """N confirmed subscribers, 1% strays, follows: bulk inserts in one transaction."""
    import random

    from django.db import transaction
    from django.utils import timezone

    from newsletter.models import Follow, Subscriber
    from verdicts.models import Category, Tool

    rng = random.Random(seed)
    started = time.monotonic()
    now = timezone.now()
    confirmed = Subscriber.Status.CONFIRMED
    tool_ids = list(Tool.objects.published().values_list("pk", flat=True))
    category_ids = list(Category.objects.values_list("pk", flat=True))
    strays = max(2, subscribers // 100)
    follows = 0
    with transaction.atomic():
        for start in range(0, subscribers, BATCH):
            Subscriber.objects.bulk_create(
                Subscriber(email=f"reader{n:06d}@bench.example", status=confirmed, confirmed_at=now)
                for n in range(start, min(start + BATCH, subscribers))
            )
        Subscriber.objects.bulk_create(
            Subscriber(
                email=f"stray{n:06d}@bench.example",
                status=Subscriber.Status.PENDING if n % 2 else Subscriber.Status.UNSUBSCRIBED,
            )
            for n in range(strays)
        )
        ids = (
            Subscriber.objects.filter(status=confirmed).order_by("pk").values_list("pk", flat=True)
        )
        batch = []
        for subscriber_id in ids.iterator(chunk_size=BATCH):
            draw = rng.random()
            if draw < 0.35:
                pool = changed_tool_ids if rng.random() < 0.5 and changed_tool_ids else tool_ids
                for tool_id in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
                    batch.append(Follow(subscriber_id=subscriber_id, tool_id=tool_id))
            elif draw < 0.5 and category_ids:
                batch.append(
                    Follow(subscriber_id=subscriber_id, category_id=rng.choice(category_ids))
                )
            if len(batch) >= BATCH:
                follows += _follow(batch, now)
                batch = []
        follows += _follow(batch, now)
    return {
        "confirmed": subscribers,
        "strays": strays,
        "follows": follows,
        "seconds": time.monotonic() - started,
    }


def _follow(batch, now) -> int:
    from newsletter.models import Follow

    for follow in batch:
        follow.confirmed_at = now
    Follow.objects.bulk_create(batch)
    return len(batch)


def child_check(sink_log: str) -> dict:
    """The sink's log against the database: who got the issue, how often."""
    from django.db.models import Count

    from newsletter.models import Delivery, Issue, Subscriber

    lines = read_sink_log(Path(sink_log))
    received = Counter(recipient.lower() for _, recipient, _, _ in lines)
    logged_ids = {message_id for _, _, message_id, _ in lines}
    expected = {
        email.lower() for email in Subscriber.objects.confirmed().values_list("email", flat=True)
    }
    statuses = dict(
        Delivery.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    sending = list(
        Delivery.objects.filter(status=Delivery.Status.SENDING).values_list("message_id", flat=True)
    )
    sent_ids = Delivery.objects.filter(status=Delivery.Status.SENT).values_list(
        "message_id", flat=True
    )
    return {
        "messages": len(lines),
        "received": len(received.keys() & expected),
        "duplicates": sum(count - 1 for count in received.values() if count > 1),
        "missing": len(expected - received.keys()),
        "unexpected": len(received.keys() - expected),
        "expected": len(expected),
        "statuses": statuses,
        "sending": len(sending),
        "sending_in_log": sum(message_id in logged_ids for message_id in sending),
        "sent_not_in_log": sum(message_id not in logged_ids for message_id in sent_ids),
        "issues": Issue.objects.count(),
    }


def child_queries() -> dict:
    """Run the command in this process, counting every statement by its shape."""
    import io

    from django.core.management import call_command
    from django.db import connection

    from newsletter.models import Delivery

    shapes = Counter()

    def count(execute, sql, params, many, context):
        shapes[_shape(sql)] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        call_command(SEND[1], stdout=io.StringIO(), stderr=io.StringIO())
    sent = Delivery.objects.filter(status=Delivery.Status.SENT).count()
    return {"sent": sent, "queries": sum(shapes.values()), "shapes": dict(shapes)}


def _shape(sql: str) -> str:
    """A statement without its parameters or column lists: 'UPDATE newsletter_delivery
    SET status, message_id, last_attempt_at WHERE …'."""
    sql = re.sub(r"\s+", " ", sql.replace('"', "").replace("`", ""))
    verb = sql.split(" ", 1)[0].upper()
    if verb == "UPDATE":
        table = sql.split(" ")[1]
        columns = re.findall(r"(\w+) = ", sql.split(" SET ", 1)[1].split(" WHERE ", 1)[0])
        return f"UPDATE {table} SET {', '.join(columns)}"
    if verb == "INSERT":
        return f"INSERT INTO {sql.split(' ')[2]}"
    if verb == "SELECT":
        tables = re.findall(r" (?:FROM|JOIN) (\w+)", sql)
        where = re.sub(r"\w+\.(\w+)", r"\1", sql.split(" WHERE ", 1)[1]) if " WHERE " in sql else ""
        where = re.sub(r"IN \((?:%s, )*%s\)", "IN (…)", where)
        return f"SELECT FROM {' + '.join(dict.fromkeys(tables))}" + (
            f" WHERE {where[:70]}" if where else ""
        )
    return sql[:60]


def child(argv) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["prepare", "fill", "check", "queries"])
    parser.add_argument("--subscribers", type=int, default=0)
    parser.add_argument("--tools", type=int, default=0)
    parser.add_argument("--changed", default="")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--sink-log", default="")
    args = parser.parse_args(argv)
    import django

    django.setup()
    if args.kind == "prepare":
        result = child_prepare(args.tools, args.seed)
    elif args.kind == "fill":
        changed = [int(pk) for pk in args.changed.split(",") if pk]
        result = child_fill(args.subscribers, changed, args.seed)
    elif args.kind == "check":
        result = child_check(args.sink_log)
    else:
        result = child_queries()
    print(json.dumps(result))
    return 0


# --- The bench itself -----------------------------------------------------------------


def read_sink_log(path: Path) -> list[tuple[float, str, str, int]]:
    """(monotonic seconds, recipient, Message-ID, bytes) per message, in arrival order."""
    if not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines():
        moment, recipient, message_id, size = line.split("\t")
        rows.append((float(moment), recipient, message_id, int(size)))
    return rows


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
        return read_sink_log(self.log)


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


# --- The report ------------------------------------------------------------------------


def megabytes(kb: int) -> str:
    return f"{kb / 1024:.0f}"


def report(results: dict) -> list[str]:
    args = results["args"]
    lines = [
        "# Newsletter delivery at scale",
        "",
        f"Run {results['date']} on {results['engine']}, {os.cpu_count()} cores; load average "
        f"{results['load_before']} at the start, {results['load_after']} at the end (other "
        "engineers' test suites share the machine: absolute times are inflated, read the "
        f"ratios). Took {results['seconds'] / 60:.1f} minutes in all.",
        "",
        f"Command: `{results['command']}`",
        "",
        f"Base: seed + {args['tools']} bench tools; this week's news: "
        f"{len(results['news']['changed_tool_ids'])} tools with a flipped take, "
        f"{results['news']['new_comparisons']} new comparisons. Sender: `manage.py "
        "send_weekly_digest` (DEBUG off) in its own process; sink: bench/smtp_sink.py "
        "(aiosmtpd) in another, on loopback.",
    ]
    sizes = results["sizes"]
    if sizes:
        lines += [
            "",
            "## Throughput and memory by size",
            "",
            "Peak RSS is ru_maxrss from os.wait4() on the sender (its VmHWM); the phases are "
            "the highest VmRSS sampled every 0.1 s before the sink logged the first message "
            "(start-up, compose, publish) and after it (delivery).",
            "",
            *(
                [
                    f"Each run was **stopped after {sizes[0]['stopped_after']:,} messages** "
                    "(--stop-after; the sink kills the sender at the next MAIL FROM): the issue "
                    "is published to every subscriber, then that many are delivered; the rest "
                    "stay pending. Throughput and memory are over that window.",
                    "",
                ]
                if any(size["stopped_after"] for size in sizes)
                else []
            ),
            "| subscribers | fill s | wall s | to first message s | delivering s | msgs/s "
            "| sender CPU ms/msg | sink CPU ms/msg | mean message bytes | peak RSS MB "
            "| RSS before first message MB | RSS delivering MB | received | duplicates "
            "| missing | exit |",
            "|" + "---:|" * 16,
        ]
        for size in sizes:
            check = size["check"]
            lines.append(
                f"| {size['subscribers']:,} | {size['fill']['seconds']:.0f} "
                f"| {size['seconds']:.0f} | {size['publish_seconds']:.1f} "
                f"| {size['deliver_seconds']:.0f} | {size['per_second']:.0f} "
                f"| {size['sender_cpu_ms_per_message']:.1f} "
                f"| {size['sink_cpu_ms_per_message']:.1f} "
                f"| {size['mean_bytes']:,.0f} | {megabytes(size['peak_rss_kb'])} "
                f"| {megabytes(size['rss_before_first_kb'])} "
                f"| {megabytes(size['rss_delivering_kb'])} | {check['received']:,} "
                f"| {check['duplicates']} | {check['missing']} | {size['exit']} |"
            )
        if len(sizes) > 1:
            small, large = sizes[0], sizes[-1]
            factor = large["subscribers"] / small["subscribers"]
            lines += [
                "",
                f"{large['subscribers']:,} ÷ {small['subscribers']:,} subscribers "
                f"(x{factor:g}): peak RSS x{large['peak_rss_kb'] / small['peak_rss_kb']:.2f}, "
                f"RSS before the first message "
                f"x{ratio(large['rss_before_first_kb'], small['rss_before_first_kb'])}, "
                f"while delivering x{ratio(large['rss_delivering_kb'], small['rss_delivering_kb'])}"
                f"; msgs/s x{ratio(large['per_second'], small['per_second'])}; time to the "
                f"first message x{ratio(large['publish_seconds'], small['publish_seconds'])}.",
            ]
        lines += ["", idle_estimate(sizes[-1])]
    crash = results.get("crash")
    if crash:
        lines += [
            "",
            "## Crash at scale",
            "",
            f"{crash['subscribers']:,} subscribers; the sink SIGKILLs the sender "
            + KILL_MOMENTS[crash["kill_at"]].format(n=f"{crash['kill_after']:,}")
            + "; then the same command again, and the operator's --requeue-interrupted "
            'only when a delivery left "sending" is missing from the sink\'s log.',
            "",
            "| after | exit | wall s | peak RSS MB | received | duplicates | missing | unexpected "
            "| left sending (in the sink's log) | deliveries by status |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for run in crash["runs"]:
            check = run["check"]
            statuses = ", ".join(f"{k} {v:,}" for k, v in sorted(check["statuses"].items()))
            lines.append(
                f"| {run['run']} | {run['exit']} | {run['seconds']:.0f} "
                f"| {megabytes(run['peak_rss_kb'])} | {check['received']:,} "
                f"| {check['duplicates']} | {check['missing']} | {check['unexpected']} "
                f"| {check['sending']} ({check['sending_in_log']}) | {statuses} |"
            )
    queries = results.get("queries")
    if queries:
        (low, low_counts), (high, high_counts) = sorted(
            (int(n), counts) for n, counts in queries.items()
        )
        per = (high_counts["queries"] - low_counts["queries"]) / (high - low)
        fixed = high_counts["queries"] - per * high
        lines += [
            "",
            "## Queries",
            "",
            f"The command in-process at {low:,} and {high:,} deliveries, every statement "
            f"counted (connection.execute_wrapper): {low_counts['queries']:,} and "
            f"{high_counts['queries']:,} statements, so **{per * 100:.0f} per 100 deliveries** "
            f"and about {fixed:.0f} fixed. By shape, those that grow:",
            "",
            f"| statement | at {low:,} | at {high:,} | per 100 deliveries |",
            "|---|---:|---:|---:|",
        ]
        shapes = sorted(high_counts["shapes"].items(), key=lambda item: -item[1])
        for shape, count in shapes:
            before = low_counts["shapes"].get(shape, 0)
            if count > before:
                growth = (count - before) / (high - low) * 100
                lines.append(f"| `{shape}` | {before:,} | {count:,} | {growth:.1f} |")
    return lines


def idle_estimate(size: dict) -> str:
    """What the CPU each side spent per message allows on an idle machine, where
    the sender and the sink each have a core: wall time under load says little."""
    bottleneck = max(size["sender_cpu_ms_per_message"], size["sink_cpu_ms_per_message"])
    if not bottleneck:
        return ""
    rate = 1000 / bottleneck
    return (
        f"CPU per message at {size['subscribers']:,}: sender "
        f"{size['sender_cpu_ms_per_message']:.1f} ms, sink {size['sink_cpu_ms_per_message']:.1f}"
        f" ms (user + system, from /proc/<pid>/stat and wait4). With a core each, the "
        f"slower bounds delivery near {rate:.0f} msgs/s: 100,000 messages in about "
        f"{100_000 / rate / 60:.0f} minutes on an idle machine, publishing aside."
    )


KILL_MOMENTS = {
    "data": "as message {n} arrives (logged, not yet answered)",
    "claimed": "at the DATA command after message {n} (the next delivery claimed, none of it sent)",
    "mail": "at the MAIL FROM after message {n}",
}


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "-"


def write_report(path: Path, lines: list[str]) -> None:
    previous = path.read_text() if path.exists() else ""
    notes = previous[previous.index(NOTES) :] if NOTES in previous else ""
    path.write_text("\n".join(lines) + "\n" + (f"\n{notes.rstrip()}\n" if notes else ""))


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
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
