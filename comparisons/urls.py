from django.urls import path

from comparisons import feeds, site_views, views
from pagecache.decorators import cached_page
from shiporskip.methods import allow_methods

app_name = "comparisons"
urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", views.pick, name="pick"),
    path("compare/<slug:pair>/", views.compare, name="compare"),
    path("compare/<slug:pair>.json", views.compare_json, name="compare_json"),
    path(
        "feeds/comparisons/",
        cached_page(allow_methods("GET", "HEAD")(feeds.NewComparisonsFeed()), uses_votes=False),
        name="feed",
    ),
    path("methodology/", site_views.methodology, name="methodology"),
    path("robots.txt", site_views.robots_txt, name="robots"),
    path("llms.txt", site_views.llms_txt, name="llms"),
]
