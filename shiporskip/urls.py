from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from pagecache.decorators import cached_page
from shiporskip.methods import allow_methods
from shiporskip.sitemaps import SITEMAPS
from verdicts.admin_markdown import markdown_preview

urlpatterns = [
    path("admin/markdown-preview/", markdown_preview, name="admin-markdown-preview"),
    path("admin/", admin.site.urls),
    path("", include("verdicts.urls")),
    path("", include("comparisons.urls")),
    path("", include("newsletter.urls")),
    path(
        "sitemap.xml",
        cached_page(allow_methods("GET", "HEAD")(sitemap), uses_votes=False, query=["p"]),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
]
