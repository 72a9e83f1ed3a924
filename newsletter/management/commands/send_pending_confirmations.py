"""send_pending_confirmations: send the confirmation emails sign-up, and "Email
me when this verdict changes" on a tool page, could not send.

Each sends its confirmation during the request; when the mail server fails it
answers as usual and leaves the confirmation due (Subscriber.confirmation_due_at,
Follow.confirmation_due_at). This command sends every due confirmation on one
connection, sign-ups first, each kind oldest first. Run it on the digest's
schedule or more often (README, "Weekly newsletter").

- Sent: no longer due.
- Refused for good by the server (5xx at RCPT): no longer due, reported; the
  reader can sign up again.
- Refused for now (4xx): still due, the next run tries again.
- The server or connection fails: the run stops, the rest stays due.
The run exits non-zero when any confirmation failed or it stopped.

Rows that became due in the last GRACE_SECONDS are left to the sign-up that is
sending them right now, so no reader gets two confirmations.
"""

import smtplib
from datetime import timedelta

from django.core.mail import get_connection
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from newsletter.follows import follow_confirmation_message
from newsletter.models import Follow, Subscriber
from newsletter.signup import confirmation_message

GRACE_SECONDS = 60


def _refusal(error: smtplib.SMTPRecipientsRefused) -> tuple[int, str]:
    [(code, reply)] = error.recipients.values()
    if isinstance(reply, bytes):
        reply = reply.decode(errors="replace")
    return code, f"{code} {reply}"


class Command(BaseCommand):
    help = "Send the newsletter confirmation emails that sign-up could not send."

    def handle(self, *args, **options):
        before = timezone.now() - timedelta(seconds=GRACE_SECONDS)
        # (rows of that kind, its email, the address) for each owed confirmation.
        due = [
            (Subscriber.objects.filter(pk=s.pk), confirmation_message(s, None), s.email)
            for s in Subscriber.objects.confirmation_due(before=before)
        ] + [
            (Follow.objects.filter(pk=f.pk), follow_confirmation_message(f), f.subscriber.email)
            for f in Follow.objects.confirmation_due(before=before)
        ]
        if not due:
            self.stdout.write("No confirmation emails due.")
            return
        sent, refused, stopped = 0, [], ""
        try:
            with get_connection() as connection:
                for rows, message, email in due:
                    message.connection = connection
                    try:
                        message.send()
                    except smtplib.SMTPRecipientsRefused as error:
                        code, reason = _refusal(error)
                        if code == 421:  # the server is closing: stop, keep it due
                            raise
                        if code >= 500:
                            rows.update(confirmation_due_at=None)
                        refused.append(f"{email}: {reason}")
                        continue
                    rows.confirmation_sent()
                    sent += 1
        except OSError as error:  # smtplib's errors are OSErrors too
            stopped = str(error) or type(error).__name__
        still_due = (
            Subscriber.objects.confirmation_due(before=timezone.now()).count()
            + Follow.objects.confirmation_due(before=timezone.now()).count()
        )
        summary = (
            f"Sent {sent} confirmation email{'s' * (sent != 1)}, failed {len(refused)}"
            f"{' (' + '; '.join(refused) + ')' if refused else ''}, {still_due} still due."
        )
        if stopped:
            raise CommandError(
                f"Stopped: the mail server failed ({stopped}). {summary} Run the command again."
            )
        if refused:
            raise CommandError(summary)
        self.stdout.write(summary)
