"""The one Jinja2 environment for public pages and emails."""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import Environment, select_autoescape

from shiporskip.lib.urls import absolute_url


def url(viewname, *args, **kwargs):
    return reverse(viewname, args=args or None, kwargs=kwargs or None)


def environment(**options):
    # HTML (and SVG, XML) escaped; plain-text email bodies (.txt) left as written.
    options["autoescape"] = select_autoescape(
        enabled_extensions=(), disabled_extensions=("txt",), default_for_string=True, default=True
    )
    options.setdefault("trim_blocks", True)
    options.setdefault("lstrip_blocks", True)
    env = Environment(**options)  # noqa: S701 - Django's backend turns autoescape on
    env.globals.update(
        {
            "static": static,
            "url": url,
            "absolute_url": absolute_url,
            "site_name": settings.SITE_NAME,
        }
    )
    return env
