"""Small factories: each makes one valid row, overridable by keyword."""

import itertools

from verdicts.models import Call, Category, CommunityVote, Persona, Take, Tool

_counter = itertools.count(1)


def make_category(**fields) -> Category:
    n = next(_counter)
    return Category.objects.create(**{"name": f"Category {n}", **fields})


def make_tool(**fields) -> Tool:
    n = next(_counter)
    if "category" not in fields:
        fields["category"] = make_category()
    defaults = {
        "name": f"Tool {n}",
        "tagline": f"Tagline of tool {n}",
        "description": f"Description of **tool {n}**.",
        "entry_tier": Tool.EntryTier.FREE,
        "pricing": "Free",
        "is_published": True,
    }
    return Tool.objects.create(**{**defaults, **fields})


def make_persona(**fields) -> Persona:
    n = next(_counter)
    defaults = {
        "name": f"Persona {n}",
        "slug": f"persona-{n}",
        "position": n,
        "motto": f"Motto {n}",
        "lens": "Lens",
        "excited_by": "Good things",
        "tired_of": "Bad things",
    }
    return Persona.objects.create(**{**defaults, **fields})


def make_take(tool, persona, **fields) -> Take:
    defaults = {"score": 70, "call": Call.SHIP, "body": f"{persona.name} on {tool.name}."}
    return Take.objects.create(tool=tool, persona=persona, **{**defaults, **fields})


def make_vote(tool, visitor_key=None, call=Call.SHIP) -> CommunityVote:
    return CommunityVote.objects.create(
        tool=tool, visitor_key=visitor_key or f"visitor-{next(_counter)}", call=call
    )


def make_comparison(tool_a, tool_b, *more, **fields):
    """A published comparison of two tools, or up to four (`more`, in order)."""
    from comparisons.models import Comparison

    slots = dict(zip(("tool_c", "tool_d"), more, strict=False))
    return Comparison.objects.create(
        tool_a=tool_a, tool_b=tool_b, **slots, **{"is_published": True, **fields}
    )


def make_editor(email=None, password="a long editor password 42"):
    """A staff user in the Editors group the data migration made (not a superuser)."""
    from django.apps import apps
    from django.contrib.auth.models import Group, User

    from newsletter.editors import EDITOR_NEWSLETTER_PERMISSIONS
    from verdicts.editors import EDITOR_PERMISSIONS, EDITORS_GROUP, grant_editor_permissions

    if not Group.objects.filter(name=EDITORS_GROUP).exists():
        # A transactional test's flush removed what the data migrations made; the
        # migrations' own function puts it back exactly (test_editors checks it).
        grant_editor_permissions(apps, EDITOR_PERMISSIONS + EDITOR_NEWSLETTER_PERMISSIONS)
    email = email or f"editor{next(_counter)}@example.com"
    user = User.objects.create_user(email, email, password, is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


def make_subscriber(email=None, status="confirmed"):
    from newsletter.models import Subscriber

    return Subscriber.objects.create(
        email=email or f"reader{next(_counter)}@example.com", status=status
    )
