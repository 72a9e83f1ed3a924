"""Sign-up, confirmation and unsubscribe pages of the newsletter."""

import logging

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from newsletter import tokens
from newsletter.forms import SubscribeForm
from newsletter.signup import sign_up
from shiporskip import ratelimit

log = logging.getLogger(__name__)


@require_http_methods(["GET", "POST"])
def subscribe(request):
    if request.method == "GET":
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
    try:
        sign_up(form.cleaned_data["email"])
    except OSError:  # smtplib errors are OSErrors too
        log.exception("confirmation email could not be sent")
        return render(request, "newsletter/send_failed.html", status=503)
    return render(request, "newsletter/check_inbox.html")


def _token_error(request, error):
    expired = isinstance(error, tokens.ExpiredToken)
    return render(request, "newsletter/bad_link.html", {"expired": expired}, status=400)


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    # GET only shows a button: mail scanners that follow links must not confirm.
    try:
        subscriber = tokens.subscriber_for_confirm_token(token)
    except tokens.InvalidToken as error:
        return _token_error(request, error)
    if request.method == "POST":
        subscriber.confirm()
        return render(request, "newsletter/confirmed.html", {"subscriber": subscriber})
    return render(request, "newsletter/confirm.html", {"subscriber": subscriber})


@csrf_exempt  # the signed token authorises; RFC 8058 one-click POSTs come without cookies
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        subscriber = tokens.subscriber_for_unsubscribe_token(token)
    except tokens.InvalidToken as error:
        return _token_error(request, error)
    if request.method == "POST":
        subscriber.unsubscribe()
        return render(request, "newsletter/unsubscribed.html", {"subscriber": subscriber})
    return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber})
