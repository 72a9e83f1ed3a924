"""Subscribers to "Weekly AI Tool Verdicts", with double opt-in."""

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from newsletter import tokens


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Subscriber.Status.CONFIRMED)

    def for_email(self, email: str):
        return self.filter(email__iexact=email.strip())


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    email = models.EmailField(max_length=254)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One row per address whatever its case; also the index for sign-up look-ups.
            models.UniqueConstraint(Lower("email"), name="one_subscriber_per_email"),
        ]
        indexes = [
            # The weekly send: confirmed subscribers only.
            models.Index(fields=["status"], name="subscriber_status"),
        ]

    def __str__(self):
        return self.email

    @property
    def confirm_url(self) -> str:
        return reverse("newsletter:confirm", args=[tokens.confirm_token(self)])

    @property
    def unsubscribe_url(self) -> str:
        return reverse("newsletter:unsubscribe", args=[tokens.unsubscribe_token(self)])

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
