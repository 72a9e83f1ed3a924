"""Data migrations of the newsletter, run forwards on rows as an older release left them."""

import pytest
from django.utils import timezone

from tests.migrations_helpers import migrate

BEFORE = [("newsletter", "0003_editors_see_the_newsletter")]
AFTER = [("newsletter", "0004_confirmation_due_and_public_domains")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_pending_subscribers_never_sent_a_confirmation_are_owed_one():
    old = migrate(BEFORE).get_model("newsletter", "Subscriber")
    unsent = old.objects.create(email="unsent@example.com", status="pending")
    sent = old.objects.create(
        email="sent@example.com", status="pending", confirmation_sent_at=timezone.now()
    )
    confirmed = old.objects.create(email="in@example.com", status="confirmed")

    new = migrate(AFTER).get_model("newsletter", "Subscriber")

    assert new.objects.get(pk=unsent.pk).confirmation_due_at == unsent.created_at
    assert new.objects.get(pk=sent.pk).confirmation_due_at is None
    assert new.objects.get(pk=confirmed.pk).confirmation_due_at is None
