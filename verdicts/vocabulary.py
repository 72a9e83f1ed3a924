"""The words of a verdict, in one place: a ship/skip call and the panel's verdict.

Kept apart from the models so the arithmetic (verdicts/verdict.py), its SQL twin
(verdicts/ranking.py), forms, the admin, badges and templates all read the same
keys and labels without importing the models. The values are stored (calls) and
published (URL filters, JSON "verdict_key"), so they never change.
"""

from django.db import models


class Call(models.TextChoices):
    """A ship/skip call, by a reviewer or a reader."""

    SHIP = "ship", "Ship"
    SKIP = "skip", "Skip"


class Verdict(models.TextChoices):
    """The panel's verdict on a tool, from its ship and skip takes (PanelTally.verdict)."""

    SHIP = "ship", "Ship"
    SKIP = "skip", "Skip"
    SPLIT = "split", "Split"
    NONE = "none", "No panel yet"
