"""bench/newsletter_scale.py end to end at a tiny size, so the bench cannot rot.

The script runs as `make bench-newsletter` does, with 25 and 50 subscribers (the
larger stopped after 40 messages, as --stop-after does on a slow machine), a
SIGKILL at message 20 of 50 and a query count over 10 and 20 deliveries; then
the crash alone, killed with a delivery claimed and none of it sent, so the
operator's --requeue-interrupted runs. Its numbers are checked against each
other and against the sink's own log, read here line by line.
"""

import json
import subprocess
import sys
from collections import Counter

import pytest
from django.conf import settings

SIZES = (25, 50)
STOP_AFTER = 40  # the larger size is stopped there, as --stop-after does on a slow machine
KILL_AFTER = 20
KILL_SUBSCRIBERS = 50
QUERIES = 20


def run_bench(tmp, *args):
    """(results from --json, the Markdown report, the work directory)."""
    report, raw, work = tmp / "NEWSLETTER.md", tmp / "results.json", tmp / "work"
    command = [sys.executable, "-m", "bench.newsletter_scale", *args, "--report", str(report)]
    command += ["--json", str(raw), "--workdir", str(work)]
    result = subprocess.run(
        command, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(raw.read_text()), report.read_text(), work


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    return run_bench(
        tmp_path_factory.mktemp("bench-newsletter"),
        "--subscribers", ",".join(map(str, SIZES)), "--tools", "20",
        "--stop-after", str(STOP_AFTER),
        "--kill-after", str(KILL_AFTER), "--kill-subscribers", str(KILL_SUBSCRIBERS),
        "--queries", str(QUERIES),
    )  # fmt: skip


@pytest.fixture(scope="module")
def claimed_crash(tmp_path_factory):
    """The crash scenario alone, killed once delivery 11 is claimed and none of it sent."""
    return run_bench(
        tmp_path_factory.mktemp("bench-newsletter-claimed"),
        "--subscribers", "", "--queries", "0", "--tools", "5",
        "--kill-after", "10", "--kill-subscribers", "20", "--kill-at", "claimed",
    )  # fmt: skip


def sink_log(path) -> Counter:
    """recipient -> messages, as the sink wrote them."""
    return Counter(line.split("\t")[1] for line in path.read_text().splitlines())


def test_it_delivers_to_every_confirmed_subscriber_once_at_each_size(bench):
    results, _, work = bench
    assert [size["subscribers"] for size in results["sizes"]] == list(SIZES)
    for size in results["sizes"]:
        n = size["subscribers"]
        sent = min(n, STOP_AFTER)
        assert size["stopped_after"] == (STOP_AFTER if n > STOP_AFTER else 0)
        assert size["exit"] == (-9 if n > STOP_AFTER else 0), size["output"]
        assert size["messages"] == sent
        check = size["check"]
        assert (check["expected"], check["received"]) == (n, sent)
        assert (check["duplicates"], check["missing"], check["unexpected"]) == (0, n - sent, 0)
        # Stopped at a MAIL FROM: every message answered is recorded sent.
        assert check["statuses"] == {"sent": sent, **({"pending": n - sent} if n > sent else {})}
        assert check["sent_not_in_log"] == 0
        received = sink_log(work / f"size{n}" / "sink.log")
        assert len(received) == sent and set(received.values()) == {1}
        assert all(address.startswith("reader") for address in received)  # no stray
        assert size["per_second"] > 0
        assert size["sender_cpu_ms_per_message"] > 0 and size["sink_cpu_ms_per_message"] > 0
        assert size["deliver_seconds"] < size["seconds"]
        # Sampled VmRSS and the kernel's high-water mark (ru_maxrss) agree within a few
        # pages; the sampler can only see less than the peak, give or take that.
        assert 0 < size["rss_before_first_kb"] <= size["peak_rss_kb"] * 1.05


def test_a_sigkill_and_a_rerun_deliver_exactly_once(bench):
    results, _, work = bench
    crash = results["crash"]
    killed, rerun = crash["runs"][:2]
    assert killed["exit"] == -9  # SIGKILL
    # Killed as message 20 arrived: logged by the sink, its delivery left "sending".
    assert killed["check"]["messages"] == KILL_AFTER
    assert killed["check"]["statuses"] == {
        "sent": KILL_AFTER - 1,
        "sending": 1,
        "pending": KILL_SUBSCRIBERS - KILL_AFTER,
    }
    assert rerun["exit"] == 0, rerun["output"]
    assert "1 delivery interrupted while sending" in rerun["output"]
    final = crash["runs"][-1]["check"]
    assert (final["received"], final["duplicates"], final["missing"]) == (KILL_SUBSCRIBERS, 0, 0)
    assert (final["sending"], final["sending_in_log"]) == (1, 1)
    assert len(crash["runs"]) == 2  # the one left "sending" was received: nothing to requeue
    assert set(sink_log(work / "crash" / "sink.log").values()) == {1}
    assert len(sink_log(work / "crash" / "sink.log")) == KILL_SUBSCRIBERS


def test_it_counts_statements_per_delivery(bench):
    results, _, _ = bench
    low, high = results["queries"][str(QUERIES // 2)], results["queries"][str(QUERIES)]
    assert (low["sent"], high["sent"]) == (QUERIES // 2, QUERIES)
    assert high["queries"] == sum(high["shapes"].values())
    assert high["queries"] > low["queries"]


def test_its_report_states_the_numbers(bench):
    results, report, _ = bench
    assert report.startswith("# Newsletter delivery at scale")
    assert f"load average {results['load_before']}" in report
    for size in results["sizes"]:
        assert f"| {size['subscribers']:,} | " in report
    assert "## Crash at scale" in report
    assert "| killed | -9 | " in report
    low, high = results["queries"][str(QUERIES // 2)], results["queries"][str(QUERIES)]
    per_100 = (high["queries"] - low["queries"]) / (QUERIES // 2) * 100
    assert f"**{per_100:.0f} per 100 deliveries**" in report


def test_a_delivery_claimed_and_never_sent_reaches_its_reader_once_the_operator_requeues_it(
    claimed_crash,
):
    results, report, work = claimed_crash
    assert results["sizes"] == [] and results["queries"] is None
    killed, rerun, requeued = (run["check"] for run in results["crash"]["runs"])
    assert killed["statuses"] == {"sent": 10, "sending": 1, "pending": 9}
    assert (killed["sending"], killed["sending_in_log"]) == (1, 0)  # the sink has none of it
    # The re-run never resends a "sending" delivery by itself: one reader still waits.
    assert (rerun["received"], rerun["missing"], rerun["sending"]) == (19, 1, 1)
    # The operator found its Message-ID missing from the log: --requeue-interrupted.
    assert results["crash"]["runs"][2]["run"] == "--requeue-interrupted"
    assert (requeued["received"], requeued["duplicates"], requeued["missing"]) == (20, 0, 0)
    assert requeued["statuses"] == {"sent": 20}
    assert set(sink_log(work / "crash" / "sink.log").values()) == {1}
    assert "| --requeue-interrupted | 0 | " in report
