from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from pagecache.decorators import cached_page
from pages.sitemaps import SITEMAPS
from pages.views import markdown_preview
from shiporskip.lib.methods import allow_methods

# The root URLconf: each app's URLs, site-wide pages last (pages/). The sitemap and
# the admin's Markdown preview keep their un-namespaced names.
urlpatterns = [
    path("admin/markdown-preview/", markdown_preview, name="admin-markdown-preview"),
    path("admin/", admin.site.urls),
    path("", include("verdicts.urls")),
    path("", include("comparisons.urls")),
    path("", include("newsletter.urls")),
    path("", include("pages.urls")),
    path(
        "sitemap.xml",
        cached_page(allow_methods("GET", "HEAD")(sitemap), uses_votes=False, query=["p"]),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
]
