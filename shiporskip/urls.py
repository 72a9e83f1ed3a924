from django.contrib import admin
from django.urls import include, path

from pages.sitemaps import sitemap_index, sitemap_section
from pages.views import markdown_preview

# The root URLconf: each app's URLs, site-wide pages last (pages/). The sitemap and
# the admin's Markdown preview keep their un-namespaced names.
urlpatterns = [
    path("admin/markdown-preview/", markdown_preview, name="admin-markdown-preview"),
    path("admin/", admin.site.urls),
    path("", include("verdicts.urls")),
    path("", include("comparisons.urls")),
    path("", include("newsletter.urls")),
    path("", include("pages.urls")),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemaps/<slug:section>-<int:page>.xml", sitemap_section, name="sitemap-section"),
]
