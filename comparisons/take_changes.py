"""Takes that changed after a comparison was published, so its page can say so.

A reader of a comparison published in May should know that the Skeptic
changed their mind in June: the page and the JSON name each such take with the
date of its latest change. On-demand pairs have no publication date and no notes.
"""

from verdicts.history import LateChange, changes_after, load_take_history


def load_comparison_history(comparison) -> None:
    """Every tool's take history, in one query (verdicts.history.load_take_history)."""
    load_take_history(comparison.tools)


def changes_since_published(comparison) -> list[LateChange]:
    """Each take on any of its tools that changed after the comparison's
    published_at, newest first; [] for an on-demand comparison. Needs
    load_comparison_history() first."""
    if not comparison.is_curated:
        return []
    return changes_after(comparison.tools, comparison.published_at)
