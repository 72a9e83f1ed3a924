"""Sign-up, confirmation, manage and unsubscribe pages of the newsletter, and
"Email me when this verdict changes" (a follow asked for on a tool page)."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from newsletter import follows, preferences, tokens
from newsletter.forms import SubscribeForm
from newsletter.manage_links import send_fresh_manage_link
from newsletter.models import Subscriber
from newsletter.signup import sign_up
from shiporskip import ratelimit
from shiporskip.lib.cross_origin import cross_origin_protected
from shiporskip.lib.methods import allow_methods
from verdicts.models import Category, Tool


@allow_methods("GET", "HEAD", "POST")  # outermost: it sees the view is csrf_exempt
@cross_origin_protected
def subscribe(request):
    if request.method != "POST":
        return render(request, "newsletter/subscribe.html", {"form": SubscribeForm()})
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "newsletter/subscribe.html", {"form": form}, status=400)
    if form.is_bot:
        # Same answer as a real sign-up, so the bot learns nothing; nothing stored.
        return render(request, "newsletter/check_inbox.html")
    rate = ratelimit.Rate.parse(settings.SUBSCRIBE_RATE_LIMIT)
    if not ratelimit.hit_address("subscribe", request, rate):
        return render(request, "newsletter/too_many.html", status=429)
    # The same page whatever the address's state and whether the email went out:
    # see newsletter/signup.py.
    sign_up(form.cleaned_data["email"])
    return render(request, "newsletter/check_inbox.html")


def _token_error(request, error):
    context = {
        "expired": isinstance(error, tokens.ExpiredToken),
        "stale": isinstance(error, tokens.StaleToken),
    }
    return render(request, "newsletter/bad_link.html", context, status=400)


@allow_methods("GET", "HEAD", "POST")  # outermost: it sees the view is csrf_exempt
@cross_origin_protected
def confirm(request, token):
    # GET only shows a button: mail scanners that follow links must not confirm.
    try:
        subscriber = tokens.subscriber_for_confirm_token(token)
    except tokens.InvalidToken as error:
        return _token_error(request, error)
    if subscriber.status == subscriber.Status.CONFIRMED:
        context = {"subscriber": subscriber, "already": True}
        return render(request, "newsletter/confirmed.html", context)
    if request.method == "POST":
        subscriber.confirm()
        return render(request, "newsletter/confirmed.html", {"subscriber": subscriber})
    return render(request, "newsletter/confirm.html", {"subscriber": subscriber})


def _manage_page(request, subscriber, status=200, error="", saved=""):
    """The manage page: the subscriber, their follows and every category (three
    queries with the subscriber's, however many they follow)."""
    followed = list(subscriber.follows.confirmed().select_related("tool", "category"))
    context = {
        "subscriber": subscriber,
        "follows": followed,
        "followed_tools": [follow.tool for follow in followed if follow.tool_id],
        "followed_category_ids": {f.category_id for f in followed if f.category_id},
        "categories": Category.objects.only("pk", "name", "slug"),
        "can_change": preferences.can_change(subscriber),
        "scopes": Subscriber.DigestScope.choices,
        "max_follows": settings.NEWSLETTER_MAX_FOLLOWS,
        "manage_path": request.path,
        "error": error,
        "saved": preferences.SAVED.get(saved, ""),
    }
    return render(request, "newsletter/manage.html", context, status=status)


@allow_methods("GET", "HEAD", "POST")  # outermost: it sees the view is csrf_exempt
@cross_origin_protected
def manage(request, token):
    """The signed "manage your subscription" page a reader reaches from any email;
    each of its forms posts here and is answered 303 back to it (or 400 with the
    reason, nothing changed)."""
    try:
        subscriber = tokens.subscriber_for_manage_token(token)
    except tokens.InvalidToken as error:
        context = {"expired": isinstance(error, tokens.ExpiredToken)}
        return render(request, "newsletter/manage_bad_link.html", context, status=400)
    if request.method == "POST":
        try:
            action = preferences.change(subscriber, request.POST)
        except preferences.PreferenceError as error:
            return _manage_page(request, subscriber, status=400, error=str(error))
        response = HttpResponseRedirect(f"{request.path}?saved={action}")
        response.status_code = 303  # See Other: the browser GETs the page back
        return response
    return _manage_page(request, subscriber, saved=request.GET.get("saved", ""))


def _too_many(request):
    return render(request, "newsletter/too_many.html", status=429)


@allow_methods("GET", "HEAD", "POST")  # outermost: it sees the view is csrf_exempt
@cross_origin_protected
def manage_link(request):
    """Email me a fresh link: the same answer whatever the address (manage_links.py)."""
    if request.method != "POST":
        return render(request, "newsletter/manage_bad_link.html", {"form": SubscribeForm()})
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "newsletter/manage_bad_link.html", {"form": form}, status=400)
    if form.is_bot:
        return render(request, "newsletter/manage_link_sent.html")
    rate = ratelimit.Rate.parse(settings.SUBSCRIBE_RATE_LIMIT)
    if not ratelimit.hit_address("subscribe", request, rate):
        return _too_many(request)
    send_fresh_manage_link(form.cleaned_data["email"])
    return render(request, "newsletter/manage_link_sent.html")


@allow_methods("GET", "HEAD", "POST")  # outermost: it sees the view is csrf_exempt
@cross_origin_protected
def follow(request, slug):
    """Email me when this verdict changes, for a published tool: the same answer
    whatever the address (newsletter/follows.py); the tool page's form posts here."""
    tool = get_object_or_404(Tool.objects.published().only("pk", "name", "slug"), slug=slug)
    if request.method != "POST":
        return render(request, "newsletter/follow.html", {"tool": tool, "form": SubscribeForm()})
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "newsletter/follow.html", {"tool": tool, "form": form}, status=400)
    if form.is_bot:
        # Same answer as a real request, so the bot learns nothing; nothing stored.
        return render(request, "newsletter/follow_check_inbox.html", {"tool": tool})
    rate = ratelimit.Rate.parse(settings.SUBSCRIBE_RATE_LIMIT)
    if not ratelimit.hit_address("subscribe", request, rate):
        return _too_many(request)
    follows.ask_to_follow(form.cleaned_data["email"], tool)
    return render(request, "newsletter/follow_check_inbox.html", {"tool": tool})


@allow_methods("GET", "HEAD", "POST")  # outermost: it sees the view is csrf_exempt
@cross_origin_protected
def follow_confirm(request, token):
    """The link in a follow's confirmation email: GET shows one button (mail scanners
    follow links), POST confirms the follow."""
    try:
        follow = tokens.follow_for_confirm_token(token)
    except tokens.InvalidToken as error:
        context = {
            "expired": isinstance(error, tokens.ExpiredToken),
            "stale": isinstance(error, tokens.StaleToken),
        }
        return render(request, "newsletter/follow_bad_link.html", context, status=400)
    context = {"follow": follow, "tool": follow.tool, "subscriber": follow.subscriber}
    if follow.confirmed_at is not None:
        return render(request, "newsletter/follow_confirmed.html", {**context, "already": True})
    if request.method != "POST":
        return render(request, "newsletter/follow_confirm.html", context)
    try:
        subscribed = follows.confirm_follow(follow)
    except follows.TooManyFollows as error:
        return render(
            request, "newsletter/follow_confirm.html", {**context, "error": str(error)}, status=400
        )
    context["subscribed"] = subscribed
    context["manage_url"] = follow.subscriber.manage_url(timezone.now())
    return render(request, "newsletter/follow_confirmed.html", context)


# RFC 8058 one-click POSTs come from mail providers, with neither Origin nor cookies.
@allow_methods("GET", "HEAD", "POST")  # outermost: it sees the view is csrf_exempt
@cross_origin_protected
def unsubscribe(request, token):
    try:
        subscriber = tokens.subscriber_for_unsubscribe_token(token)
    except tokens.InvalidToken as error:
        return _token_error(request, error)
    if request.method == "POST":
        subscriber.unsubscribe()
        return render(request, "newsletter/unsubscribed.html", {"subscriber": subscriber})
    return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber})
