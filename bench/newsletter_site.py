"""The newsletter bench's work inside the site (bench/newsletter_scale.py runs
these as `python -m bench.newsletter_scale --child KIND`, one process each, with
the scenario's database in the environment; each prints one line of JSON).

- prepare: bench tools, takes and comparisons, all dated a month back, then this
  week's news through the ORM (so take history records it);
- fill: N confirmed subscribers, 1% strays, follows, by bulk inserts;
- check: the sink's log against the database (received, duplicates, missing…);
- queries: send_weekly_digest in this process, every statement counted by shape.
"""

import argparse
import json
import re
import time
from collections import Counter
from pathlib import Path

from bench.smtp_sink import read_log

BATCH = 5000
SEND_COMMAND = "send_weekly_digest"


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

    lines = read_log(Path(sink_log))
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
        call_command(SEND_COMMAND, stdout=io.StringIO(), stderr=io.StringIO())
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
