"""bench/NEWSLETTER.md from the newsletter bench's results (bench/newsletter_scale.py).

The file is rewritten whole after each scenario, except its "## Notes" section,
written by hand, which is kept.
"""

import os
from pathlib import Path

NOTES = "## Notes"


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
