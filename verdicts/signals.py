"""Domain events of the verdict app that other apps may react to."""

from django.dispatch import Signal

# Sent inside the transaction that records a reader's vote; kwargs: tool_id, call.
vote_cast = Signal()
