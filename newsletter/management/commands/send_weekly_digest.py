"""send_weekly_digest: compose this week's issue and deliver it, resumably.

Each run first finishes what earlier runs left (pending deliveries, failed ones
under NEWSLETTER_MAX_ATTEMPTS), then composes a new issue from what is new
since the last one, each reader's lead from what they follow
(newsletter/personal.py). Its summary counts what was sent, failed, and not
sent: unsubscribed, nothing followed changed (readers of only what they
follow), paused, suppressed. Memory stays flat however many subscribe: readers
and deliveries are read in batches. The rules of delivery live in newsletter/delivery.py, what
goes into an issue in newsletter/digest.py. The run exits non-zero when a
delivery failed (its reasons summarised) or the mail server stopped it.
"""

import argparse
from datetime import date, datetime, time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from newsletter import delivery, delivery_counts, digest
from newsletter.models import Delivery, Issue, Subscriber


def start_of_day(value: str) -> datetime:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-11-16") from None
    return timezone.make_aware(datetime.combine(day, time.min))


def _count(number: int, singular: str, plural: str = "") -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def _reasons(total: delivery.Outcome) -> str:
    """' (2x 550 5.1.1 Mailbox unavailable; 1x cannot build: ...)', commonest first."""
    if not total.reasons:
        return ""
    return f" ({'; '.join(f'{n}x {why}' for why, n in total.reasons.most_common())})"


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")


class Command(BaseCommand):
    help = (
        "Compose Weekly AI Tool Verdicts from the comparisons published and verdicts "
        "changed since the last issue, and send it to confirmed subscribers."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be sent; send and store nothing."
        )
        parser.add_argument(
            "--since",
            type=start_of_day,
            metavar="YYYY-MM-DD",
            help="Start of the period to cover (default: the end of the last issue).",
        )
        parser.add_argument(
            "--requeue-interrupted",
            action="store_true",
            help="Make deliveries a dead run left 'sending' pending again. Check the mail "
            "server's log for their Message-ID first: they may have been delivered.",
        )

    def handle(self, *args, dry_run, since, requeue_interrupted, **options):
        max_attempts = settings.NEWSLETTER_MAX_ATTEMPTS
        if requeue_interrupted and not dry_run:
            count = delivery_counts.requeue_interrupted()
            self.stdout.write(
                f"Requeued {_count(count, 'interrupted delivery', 'interrupted deliveries')}."
            )
        self._warn_interrupted()
        outstanding = Delivery.objects.outstanding(max_attempts)
        outstanding_count = outstanding.count()
        now = timezone.now()
        news = digest.compose(since or digest.default_since(now), now)
        if dry_run:
            self._describe(outstanding_count, news)
            return
        total = delivery.Outcome()
        if outstanding_count:
            self.stdout.write(
                "Finishing earlier issues: "
                f"{_count(outstanding_count, 'delivery', 'deliveries')} to (re)try."
            )
            total.add(delivery.deliver(outstanding))
        if not total.stopped:
            self._compose_and_send(news, total)
        # Issues whose deliveries are all done go into the public archive.
        Issue.objects.record_sent()
        self._report(total)

    def _compose_and_send(self, news: digest.Digest, total: delivery.Outcome) -> None:
        if news.is_empty:
            self.stdout.write(f"Nothing new since {_when(news.since)}: no issue composed.")
            return
        try:
            issue = digest.publish(news)
        except digest.AnotherIssueStored as clash:
            # The other run delivers its issue; the outstanding deliveries of this
            # run were already finished above.
            self.stdout.write(f"{clash} This run composed no issue.")
            return
        if issue is None:
            self.stdout.write("No confirmed subscribers: no issue composed.")
            return
        recipients = issue.deliveries.filter(status=Delivery.Status.PENDING).count()
        total.nothing_followed += issue.deliveries.filter(status=Delivery.Status.SKIPPED).count()
        # Paused readers get no delivery at all: counted here, as the issue was stored.
        total.paused += (
            Subscriber.objects.confirmed().mailable().filter(paused_at__isnull=False).count()
        )
        self.stdout.write(
            f"Composed “{issue.subject}”: {_count(news.comparison_count, 'new comparison')}, "
            f"{_count(news.changed_count, 'updated verdict')}, {_count(recipients, 'recipient')}."
        )
        total.add(delivery.deliver(issue.deliveries.all()))

    def _report(self, total: delivery.Outcome) -> None:
        """Print the summary; exit non-zero (CommandError) when any delivery failed or
        the run stopped, so cron and systemd report the run as failed."""
        counts = (total.sent, total.failed, total.cancelled, total.suppressed, total.paused)
        if not (any(counts) or total.nothing_followed or total.stopped):
            return
        remaining = Delivery.objects.filter(status=Delivery.Status.PENDING).count()
        summary = (
            f"Sent {total.sent}, failed {total.failed}{_reasons(total)}, skipped "
            f"{total.cancelled} (unsubscribed), {total.nothing_followed} (nothing followed "
            f"changed), {total.paused} (paused)"
            f"{f', {total.suppressed} (suppressed address)' if total.suppressed else ''}, "
            f"{remaining} remaining."
        )
        if total.stopped:
            raise CommandError(
                f"Stopped: the mail server failed ({total.stopped}). {summary} "
                "Run the command again to deliver the rest."
            )
        if total.failed:
            raise CommandError(
                f"{summary} {_count(total.failed, 'delivery', 'deliveries')} failed: the next "
                f"run tries again (up to {settings.NEWSLETTER_MAX_ATTEMPTS} attempts each)."
            )
        self.stdout.write(summary)

    def _warn_interrupted(self) -> None:
        interrupted = Delivery.objects.filter(status=Delivery.Status.SENDING).values_list(
            "message_id", flat=True
        )
        message_ids = list(interrupted[:20])
        if message_ids:
            self.stderr.write(
                self.style.WARNING(
                    f"{_count(interrupted.count(), 'delivery', 'deliveries')} interrupted while "
                    "sending: not resent automatically, as the mail server may have taken them. "
                    "Look for these "
                    "Message-IDs in the mail server's log, then run with --requeue-interrupted "
                    f"to send the undelivered ones: {', '.join(message_ids)}"
                )
            )

    def _describe(self, outstanding: int, news: digest.Digest) -> None:
        self.stdout.write("Dry run: nothing is sent or stored.")
        if outstanding:
            self.stdout.write(
                f"Would (re)try {_count(outstanding, 'delivery', 'deliveries')} of earlier issues."
            )
        if news.is_empty:
            self.stdout.write(f"Nothing new since {_when(news.since)}: no issue would be composed.")
            return
        recipients = Subscriber.objects.receiving_digest().count()
        self.stdout.write(f"Subject: {news.subject}")
        self.stdout.write(f"Period: {_when(news.since)} to {_when(news.until)}")
        self.stdout.write(f"Recipients: {_count(recipients, 'confirmed subscriber')} (not paused)")
        for comparison in news.comparisons:
            self.stdout.write(f"  New comparison: {comparison.title}")
        for changed in news.changed:
            self.stdout.write(f"  Updated verdict: {changed.tool.name}")
