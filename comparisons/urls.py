from django.urls import path

from comparisons import feeds, views
from pagecache.decorators import cached_page
from shiporskip.lib.methods import allow_methods

app_name = "comparisons"
urlpatterns = [
    path("compare/", views.pick, name="pick"),
    path("compare/<slug:pair>/", views.compare, name="compare"),
    path("compare/<slug:pair>.json", views.compare_json, name="compare_json"),
    path(
        "feeds/comparisons/",
        cached_page(allow_methods("GET", "HEAD")(feeds.NewComparisonsFeed()), uses_votes=False),
        name="feed",
    ),
]
