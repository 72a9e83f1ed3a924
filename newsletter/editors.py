"""What editors may do with the newsletter: view issues, deliveries, subscribers
and their follows (and send test copies) and verified votes. The Editors group
itself belongs to verdicts (verdicts/editors.py); this list is what the newsletter
adds to it."""

EDITOR_NEWSLETTER_PERMISSIONS = [
    "newsletter.view_issue",
    "newsletter.view_delivery",
    "newsletter.view_subscriber",
    "newsletter.view_follow",
    "newsletter.view_verifiedvote",
]
