from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Site-wide pages (home, methodology, robots.txt, llms.txt, sitemap), the top
    layer: they may read every app, and no app imports them."""

    name = "pages"
    verbose_name = "Site-wide pages"
