from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from shiporskip.sitemaps import SITEMAPS

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("verdicts.urls")),
    path("", include("comparisons.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
