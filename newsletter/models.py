"""Subscribers to "Weekly AI Tool Verdicts", with double opt-in."""

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from newsletter import tokens
from newsletter.addresses import validate_public_domain
from shiporskip.lib.text_fields import OneLineCharField
from verdicts.vocabulary import Call


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Subscriber.Status.CONFIRMED)

    def mailable(self):
        """Addresses any email may go to: the service has reported no hard bounce or
        complaint for them (see suppress())."""
        return self.filter(suppressed_at__isnull=True)

    def receiving_digest(self):
        """Subscribers the weekly issue goes to: confirmed, not paused, deliverable."""
        return self.confirmed().mailable().filter(paused_at__isnull=True)

    def for_email(self, email: str):
        return self.filter(email__iexact=email.strip())

    def confirmation_sent(self) -> int:
        """Record that the confirmation email went out to these rows, for those still
        pending: no longer due. Returns the number of rows changed."""
        return self.filter(status=Subscriber.Status.PENDING).update(
            confirmation_sent_at=timezone.now(), confirmation_due_at=None
        )

    def confirmation_due(self, before):
        """Pending subscribers whose confirmation email sign-up could not send, due
        since `before` (an aware datetime) or earlier, oldest first."""
        return self.filter(
            status=Subscriber.Status.PENDING,
            confirmation_due_at__lte=before,
            suppressed_at__isnull=True,
        ).order_by("confirmation_due_at", "pk")

    def suppress(self, reason: str, at) -> int:
        """Stop all mail to these addresses for `reason` (a Suppression value) as of
        `at` (an aware datetime); rows already suppressed keep their first reason
        and date. Returns the number of rows newly suppressed."""
        return self.filter(suppressed_at__isnull=True).update(
            suppressed_at=at, suppression_reason=reason, confirmation_due_at=None
        )

    def count_soft_bounce(self) -> int:
        """Count a temporary failure; the address stays deliverable. Returns rows changed."""
        return self.update(soft_bounces=models.F("soft_bounces") + 1)


class Suppression(models.TextChoices):
    """Why the email service's feedback stopped all mail to an address."""

    BOUNCED = "bounced", "Hard bounce"
    COMPLAINED = "complained", "Spam complaint"


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    class DigestScope(models.TextChoices):
        """What the weekly issue holds for this reader (set on the manage page)."""

        EVERYTHING = "everything", "Everything: what I follow first, then the rest"
        FOLLOWED = "followed", "Only what I follow"

    email = models.EmailField(max_length=254, validators=[validate_public_domain])
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmation_due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set while a confirmation email is owed: sign-up could not send it, "
        "send_pending_confirmations will.",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # Set from the email service's tracking webhooks (newsletter/feedback.py). A
    # suppressed address is kept, so signing it up again cannot mail it either.
    suppressed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the email service reported a hard bounce or a spam complaint: "
        "nothing is mailed to this address again.",
    )
    suppression_reason = models.CharField(
        max_length=12, choices=Suppression.choices, blank=True, help_text="Why it is suppressed."
    )
    soft_bounces = models.PositiveIntegerField(
        default=0,
        help_text="Temporary failures reported by the email service; the address stays "
        "deliverable and the service retries.",
    )

    digest_scope = models.CharField(
        max_length=10,
        choices=DigestScope.choices,
        default=DigestScope.EVERYTHING,
        help_text="Everything, or only the tools and categories the reader follows.",
    )
    paused_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set while the reader has paused the weekly issue: still subscribed, "
        "nothing is sent until they resume.",
    )

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One row per address whatever its case; also the index for sign-up look-ups.
            models.UniqueConstraint(Lower("email"), name="one_subscriber_per_email"),
        ]
        indexes = [
            # The weekly send (confirmed subscribers only) and the admin's Status
            # filter, newest first.
            models.Index(fields=["status", "created_at"], name="subscriber_status_created"),
            # The admin's subscriber list: newest first, by date (date_hierarchy).
            models.Index(fields=["created_at"], name="subscriber_created"),
            # Its "Suppressed at" and "Paused at: Not empty" filters: the few such
            # rows, newest first, without reading the others.
            models.Index(
                fields=["created_at"],
                condition=models.Q(suppressed_at__isnull=False),
                name="subscriber_suppressed",
            ),
            models.Index(
                fields=["created_at"],
                condition=models.Q(paused_at__isnull=False),
                name="subscriber_paused",
            ),
            # Its "Suppression reason" and "Digest scope" filters: one value's rows,
            # newest first (read backwards, as the admin adds "-pk" to the order).
            models.Index(fields=["suppression_reason", "created_at"], name="subscriber_reason"),
            models.Index(fields=["digest_scope", "created_at"], name="subscriber_scope"),
            # send_pending_confirmations: the few rows whose confirmation is owed.
            models.Index(
                fields=["confirmation_due_at"],
                condition=models.Q(confirmation_due_at__isnull=False),
                name="subscriber_confirmation_due",
            ),
        ]

    def __str__(self):
        return self.email

    @property
    def confirm_url(self) -> str:
        return reverse("newsletter:confirm", args=[tokens.confirm_token(self)])

    @property
    def unsubscribe_url(self) -> str:
        return reverse("newsletter:unsubscribe", args=[tokens.unsubscribe_token(self)])

    @property
    def left_marker(self) -> int:
        """When the subscriber last left, in microseconds since the epoch; 0 if never.

        Confirmation links carry it: leaving changes it, so a link sent before
        cannot bring the subscriber back.
        """
        if self.unsubscribed_at is None:
            return 0
        return round(self.unsubscribed_at.timestamp() * 1_000_000)

    def confirm(self) -> None:
        if self.status != self.Status.CONFIRMED:
            self.status = self.Status.CONFIRMED
            self.confirmed_at = timezone.now()
            self.unsubscribed_at = None
            self.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])

    def unsubscribe(self) -> None:
        if self.status != self.Status.UNSUBSCRIBED:
            self.status = self.Status.UNSUBSCRIBED
            self.unsubscribed_at = timezone.now()
            self.save(update_fields=["status", "unsubscribed_at"])

    @property
    def is_suppressed(self) -> bool:
        return self.suppressed_at is not None

    def manage_url(self, issued_at) -> str:
        """Path of the signed "manage your subscription" page, for a link dated
        `issued_at` (an aware datetime: the issue's or the email's date, so the same
        message always carries the same link). Expires NEWSLETTER_MANAGE_MAX_AGE
        seconds after that date."""
        return reverse("newsletter:manage", args=[tokens.manage_token(self, issued_at)])


class FollowQuerySet(models.QuerySet):
    def confirmed(self):
        """Follows in force: a follow asked for from a tool page counts once its
        confirmation link has been opened."""
        return self.filter(confirmed_at__isnull=False)

    def confirmation_sent(self) -> int:
        """Record that the confirmation email of these follows went out: no longer
        due. Returns the number of rows changed."""
        return self.filter(confirmed_at__isnull=True).update(confirmation_due_at=None)

    def confirmation_due(self, before):
        """Unconfirmed follows whose confirmation email the tool page could not send,
        due since `before` (an aware datetime) or earlier, to deliverable addresses
        that have not left since, oldest first, with their subscriber and tool."""
        return (
            self.filter(
                confirmed_at__isnull=True,
                confirmation_due_at__lte=before,
                subscriber__suppressed_at__isnull=True,
            )
            .exclude(subscriber__status=Subscriber.Status.UNSUBSCRIBED)
            .select_related("subscriber", "tool")
            .order_by("confirmation_due_at", "pk")
        )


class Follow(models.Model):
    """A subscriber follows one tool or one category: what changed on it leads their
    issue, and "Email me when this verdict changes" on a tool page adds one.

    Exactly one of tool and category is set. A follow added on the signed manage
    page is confirmed at once (the link proves the address); one asked for from a
    tool page waits for the confirmation mail (confirmed_at NULL until then), as
    sign-up does.
    """

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="follows")
    tool = models.ForeignKey(
        "verdicts.Tool", null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    category = models.ForeignKey(
        "verdicts.Category",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follows",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the follow took effect; empty while unconfirmed."
    )
    confirmation_due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set while the confirmation email of a follow asked for on a tool page "
        "is owed: the page could not send it, send_pending_confirmations will.",
    )

    objects = FollowQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(tool__isnull=False, category__isnull=True)
                    | models.Q(tool__isnull=True, category__isnull=False)
                ),
                name="follow_tool_or_category",
            ),
            # Also the indexes for a subscriber's follows.
            models.UniqueConstraint(
                fields=["subscriber", "tool"],
                condition=models.Q(tool__isnull=False),
                name="one_follow_per_tool",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "category"],
                condition=models.Q(category__isnull=False),
                name="one_follow_per_category",
            ),
        ]
        indexes = [
            # send_pending_confirmations: the few follows whose confirmation is owed.
            models.Index(
                fields=["confirmation_due_at"],
                condition=models.Q(confirmation_due_at__isnull=False),
                name="follow_confirmation_due",
            ),
        ]

    def __str__(self):
        return f"{self.subscriber_id} follows {self.tool or self.category}"


class IssueQuerySet(models.QuerySet):
    def sent(self):
        """Issues in the public archive, newest first."""
        return self.filter(sent_at__isnull=False).order_by("-sent_at", "-pk")

    def record_sent(self) -> int:
        """Mark sent, now, the issues of this queryset whose deliveries are all done
        (none pending or interrupted while sending); returns how many.

        Each is saved on its own: the post_save retires the cached archive pages.
        """
        busy = Delivery.objects.filter(
            issue=models.OuterRef("pk"),
            status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING],
        )
        done = list(self.filter(sent_at__isnull=True).exclude(models.Exists(busy)))
        for issue in done:
            issue.sent_at = timezone.now()
            issue.save(update_fields=["sent_at"])
        return len(done)


class Issue(models.Model):
    """One issue of the newsletter, rendered once so every reader gets the same text.

    The bodies hold newsletter.digest.READER_UNSUBSCRIBE_URL where each message
    puts its reader's own unsubscribe link. An issue is public in the archive
    (/newsletter/issues/<pk>/) once sent_at is set: its run left no delivery
    pending or interrupted.
    """

    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField()
    # The week and the lead comparison: two tool names of up to 120 characters fit.
    subject = OneLineCharField(max_length=300)
    period_since = models.DateTimeField(help_text="Start of the period covered (exclusive).")
    period_until = models.DateTimeField(help_text="End of the period covered (inclusive).")
    html_body = models.TextField()
    text_body = models.TextField()
    comparisons = models.ManyToManyField(
        "comparisons.Comparison", blank=True, related_name="newsletter_issues"
    )
    changed_tools = models.ManyToManyField(
        "verdicts.Tool", blank=True, related_name="newsletter_issues"
    )
    # What each reader's lead is composed from (newsletter/personal.py), stored
    # with the issue so a re-run sends the same words after an editor's revision.
    personal_changes = models.JSONField(
        default=dict,
        blank=True,
        help_text="The period's verdict changes per tool and new comparisons, worded "
        "as each reader's lead shows them.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When delivery finished (nothing pending or interrupted): from then on "
        "the issue is in the public archive.",
    )

    # Its deliveries per status, stored so the admin's issue list reads columns
    # instead of counting millions of delivery rows: written by publish() and
    # moved with each status change (newsletter/delivery_counts.py), checked and
    # repaired by `manage.py recount_delivery_counts`. Signed on purpose: a count
    # that drifted below zero (a delivery row added by hand) must not stop a send.
    pending_count = models.IntegerField(default=0, editable=False)
    sending_count = models.IntegerField(
        default=0, editable=False, help_text="Interrupted while sending."
    )
    sent_count = models.IntegerField(default=0, editable=False)
    failed_count = models.IntegerField(default=0, editable=False)
    cancelled_count = models.IntegerField(default=0, editable=False)
    suppressed_count = models.IntegerField(default=0, editable=False)
    skipped_count = models.IntegerField(default=0, editable=False)
    paused_count = models.IntegerField(default=0, editable=False)

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # "Since the last issue": the newest issue's period_until.
            models.Index(fields=["-period_until"], name="issue_latest"),
            # The archive and its feed: sent issues, newest first.
            models.Index(
                fields=["-sent_at", "-id"],
                condition=models.Q(sent_at__isnull=False),
                name="issue_archive",
            ),
            # The admin's issue list: newest first, by date (date_hierarchy).
            models.Index(fields=["created_at"], name="issue_created"),
        ]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("newsletter:issue", args=[self.pk])


class DeliveryQuerySet(models.QuerySet):
    def outstanding(self, max_attempts: int):
        """Deliveries a run should (re)try: pending, or failed fewer than max_attempts times."""
        return self.filter(
            models.Q(status=Delivery.Status.PENDING)
            | models.Q(status=Delivery.Status.FAILED, attempts__lt=max_attempts)
        )


class Delivery(models.Model):
    """One issue to one subscriber, and what became of it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        # Claimed, handed to the SMTP server, outcome not yet recorded. Left in this
        # state only by a run that died mid-message: see newsletter/delivery.py.
        SENDING = "sending", "Interrupted while sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Not sent: unsubscribed"
        SUPPRESSED = "suppressed", "Not sent: address suppressed"
        # Only what they follow, and nothing they follow changed (set at publish).
        SKIPPED = "skipped", "Not sent: nothing followed changed"
        PAUSED = "paused", "Not sent: paused"

    # No index of its own: delivery_issue (issue, id) serves the look-ups by issue.
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(
        max_length=255, blank=True, help_text="The Message-ID header of the last attempt."
    )
    # The reader's choices when the issue was stored (newsletter/personal.py): a
    # re-run composes the same message whatever they changed since.
    digest_scope = models.CharField(
        max_length=10,
        choices=Subscriber.DigestScope.choices,
        default=Subscriber.DigestScope.EVERYTHING,
        help_text="The reader's choice when the issue was stored.",
    )
    followed_tool_ids = models.JSONField(
        default=list,
        blank=True,
        help_text="The tools of this issue's personal lead the reader followed when it "
        "was stored (directly or through a category), by id.",
    )

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            # Nobody gets an issue twice; also the index for an issue's deliveries.
            models.UniqueConstraint(fields=["issue", "subscriber"], name="one_delivery_per_issue"),
        ]
        indexes = [
            # Each run's first question: which deliveries are pending or failed?
            models.Index(fields=["status"], name="delivery_status"),
            # The admin's delivery list of one issue, in pk order, whole or by
            # status (the issue list's count links): read in index order on
            # SQLite and PostgreSQL alike, never a sort of the issue's rows.
            models.Index(fields=["issue", "id"], name="delivery_issue"),
            models.Index(fields=["issue", "status", "id"], name="delivery_issue_status"),
        ]

    def __str__(self):
        return f"{self.issue_id} to {self.subscriber_id}: {self.status}"


class VerifiedVote(models.Model):
    """A confirmed subscriber's ship/skip on a tool of an issue they received, cast
    on the page their signed email link opens (newsletter/verified.py): one per
    subscriber and tool, changeable. The tool's verified_ship_votes and
    verified_skip_votes count these rows, moved in the same transaction."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="verified_votes"
    )
    tool = models.ForeignKey(
        "verdicts.Tool", on_delete=models.CASCADE, related_name="verified_votes"
    )
    call = models.CharField(max_length=4, choices=Call.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            # Also the index for "this reader's votes" on the vote page.
            models.UniqueConstraint(
                fields=["subscriber", "tool"], name="one_verified_vote_per_subscriber"
            ),
            models.CheckConstraint(
                condition=models.Q(call__in=Call.values), name="verified_vote_call_valid"
            ),
        ]
        indexes = [
            # The admin's list by tool (its tool filter), newest first.
            models.Index(fields=["tool", "-id"], name="verified_vote_tool_newest"),
            # The admin's list filtered by call, newest first.
            models.Index(fields=["call", "-id"], name="verified_vote_call_newest"),
        ]

    def __str__(self):
        return f"{self.get_call_display()} on {self.tool_id} by subscriber {self.subscriber_id}"
