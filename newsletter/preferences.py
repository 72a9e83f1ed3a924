"""What a reader changes on the signed "manage your subscription" page: the
categories and tools they follow, what their issue holds, pause and resume.

Each of the page's forms posts an `action` and its fields; change() checks them
and saves in one transaction, or raises PreferenceError with a sentence for the
reader (the page answers 400 and nothing changes). A follow added here is
confirmed at once: the signed link proves the address. Only a confirmed,
deliverable subscriber changes anything: an unsubscribed or suppressed reader
sees their state and comes back only through sign-up (double opt-in).
"""

from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from newsletter.models import Follow, Subscriber
from verdicts.models import Category, Tool

# action -> what the page says after saving it (the 303 carries the action).
SAVED = {
    "categories": "Saved: the categories you follow.",
    "follow-tool": "Saved: you follow that tool now.",
    "unfollow-tool": "Saved: you no longer follow that tool.",
    "scope": "Saved: what your issue holds.",
    "pause": "Saved: your weekly issue is paused until you resume it.",
    "resume": "Saved: your weekly issue is back on.",
}


class PreferenceError(Exception):
    """A change the page cannot make; str() is the sentence to show the reader."""


class CategoriesForm(forms.Form):
    # Slugs, not ids: the page's checkboxes read well and stay stable.
    categories = forms.MultipleChoiceField(required=False, choices=[])

    def __init__(self, data, categories):
        super().__init__(data)
        self.fields["categories"].choices = [(c.slug, c.name) for c in categories]
        self.fields["categories"].error_messages["invalid_choice"] = (
            "One of the categories you chose does not exist any more. Reload the page "
            "and choose again."
        )


class ToolForm(forms.Form):
    tool = forms.CharField(
        max_length=120,
        strip=True,
        error_messages={"required": "Type the name of the tool to follow, as on its page."},
    )


class ScopeForm(forms.Form):
    digest_scope = forms.ChoiceField(
        choices=Subscriber.DigestScope.choices,
        error_messages={
            "required": "Choose everything, or only what you follow.",
            "invalid_choice": "Choose everything, or only what you follow.",
        },
    )


def can_change(subscriber: Subscriber) -> bool:
    """Whether the manage page may change this subscription: confirmed and deliverable."""
    return subscriber.status == Subscriber.Status.CONFIRMED and not subscriber.is_suppressed


def _checked(form: forms.Form) -> dict:
    if not form.is_valid():
        raise PreferenceError(next(iter(form.errors.values()))[0])
    return form.cleaned_data


def _tool_named(text: str) -> Tool:
    """The published tool whose slug or name is `text` (any case): one query."""
    text = text.strip()
    tool = Tool.objects.published().filter(Q(slug=text.lower()) | Q(name__iexact=text)).first()
    if tool is None:
        raise PreferenceError(
            f"We know no tool called “{text}”. Type its name as on its page "
            "(or the last part of its address), then follow it."
        )
    return tool


def _room_for(subscriber: Subscriber, more: int) -> None:
    if subscriber.follows.confirmed().count() + more > settings.NEWSLETTER_MAX_FOLLOWS:
        raise PreferenceError(
            f"One subscription can follow at most {settings.NEWSLETTER_MAX_FOLLOWS} tools and "
            "categories. Unfollow some first."
        )


def _follow(subscriber: Subscriber, **target) -> None:
    """Confirm the subscriber's follow of one tool or category, made if missing."""
    now = timezone.now()
    updated = Follow.objects.filter(subscriber=subscriber, **target).update(
        confirmed_at=now, confirmation_due_at=None
    )
    if not updated:
        Follow.objects.create(subscriber=subscriber, confirmed_at=now, **target)


def _set_categories(subscriber: Subscriber, data) -> None:
    categories = list(Category.objects.only("pk", "slug", "name"))
    chosen_slugs = set(_checked(CategoriesForm(data, categories))["categories"])
    chosen = {c.pk for c in categories if c.slug in chosen_slugs}
    followed = set(
        subscriber.follows.confirmed()
        .filter(category__isnull=False)
        .values_list("category_id", flat=True)
    )
    subscriber.follows.filter(category__isnull=False).exclude(category_id__in=chosen).delete()
    _room_for(subscriber, len(chosen - followed))
    for category_id in sorted(chosen - followed):
        _follow(subscriber, category_id=category_id)


def _follow_tool(subscriber: Subscriber, data) -> None:
    tool = _tool_named(_checked(ToolForm(data))["tool"])
    if not subscriber.follows.confirmed().filter(tool=tool).exists():
        _room_for(subscriber, 1)
        _follow(subscriber, tool=tool)


def _unfollow_tool(subscriber: Subscriber, data) -> None:
    tool = Tool.objects.filter(slug=_checked(ToolForm(data))["tool"]).first()
    if tool is None:
        raise PreferenceError("That tool does not exist any more. Reload the page.")
    subscriber.follows.filter(tool=tool).delete()


def _set_scope(subscriber: Subscriber, data) -> None:
    subscriber.digest_scope = _checked(ScopeForm(data))["digest_scope"]
    subscriber.save(update_fields=["digest_scope"])


def _pause(subscriber: Subscriber, data) -> None:
    if subscriber.paused_at is None:
        subscriber.paused_at = timezone.now()
        subscriber.save(update_fields=["paused_at"])


def _resume(subscriber: Subscriber, data) -> None:
    if subscriber.paused_at is not None:
        subscriber.paused_at = None
        subscriber.save(update_fields=["paused_at"])


_CHANGES = {
    "categories": _set_categories,
    "follow-tool": _follow_tool,
    "unfollow-tool": _unfollow_tool,
    "scope": _set_scope,
    "pause": _pause,
    "resume": _resume,
}


def change(subscriber: Subscriber, data) -> str:
    """Apply one posted form of the manage page (`data`: a QueryDict or dict with
    "action" and that form's fields) to `subscriber`, in one transaction.

    Returns the action, a key of SAVED. Raises PreferenceError (nothing saved) for
    an unknown action or tool, a bad choice, more follows than
    NEWSLETTER_MAX_FOLLOWS, or a subscription the page may not change.
    """
    action = data.get("action", "")
    apply = _CHANGES.get(action)
    if apply is None:
        raise PreferenceError("We did not understand that form. Reload the page and try again.")
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if not can_change(subscriber):
            raise PreferenceError(
                "This subscription is not active, so it cannot be changed here. "
                "To receive the newsletter again, sign up and confirm with the link we send."
            )
        apply(subscriber, data)
    return action
