"""Sign-up, confirmation and unsubscribe pages of the newsletter."""

from django.conf import settings
from django.shortcuts import render

from newsletter import tokens
from newsletter.forms import SubscribeForm
from newsletter.signup import sign_up
from shiporskip import ratelimit
from shiporskip.lib.cross_origin import cross_origin_protected
from shiporskip.lib.methods import allow_methods


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


@allow_methods("GET", "HEAD")
def manage(request, token):
    """The signed "manage your subscription" page a reader reaches from any email."""
    try:
        subscriber = tokens.subscriber_for_manage_token(token)
    except tokens.InvalidToken as error:
        return _token_error(request, error)
    follows = subscriber.follows.confirmed().select_related("tool", "category")
    context = {"subscriber": subscriber, "follows": follows}
    return render(request, "newsletter/manage.html", context)


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
