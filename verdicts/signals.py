"""Domain events of the verdict app that other apps may react to."""

from django.dispatch import Signal

# Sent inside the transaction that records a reader's vote; kwargs: tool_id, call.
vote_cast = Signal()

# Sent inside the transaction that deleted a reader's vote; kwargs: tool_id, call
# (the call withdrawn).
vote_withdrawn = Signal()

# Sent inside the transaction that rebuilt a tool's community counters from the
# vote rows (CommunityVote.objects.recount); kwargs: tool_id.
tally_recounted = Signal()
