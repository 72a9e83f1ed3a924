from django.urls import path

from newsletter import archive, feedback, feeds, verified_views, views
from pagecache.decorators import cached_page
from shiporskip.lib.methods import allow_methods

app_name = "newsletter"
urlpatterns = [
    path("newsletter/", archive.archive, name="archive"),
    path("newsletter/issues/<int:number>/", archive.issue, name="issue"),
    path(
        "feeds/newsletter/",
        cached_page(allow_methods("GET", "HEAD")(feeds.IssuesFeed()), uses_votes=False),
        name="feed",
    ),
    path("newsletter/subscribe/", views.subscribe, name="subscribe"),
    path("newsletter/confirm/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/manage/", views.manage_link, name="manage_link"),
    path("newsletter/manage/<str:token>/", views.manage, name="manage"),
    path("newsletter/follow/confirm/<str:token>/", views.follow_confirm, name="follow_confirm"),
    path("newsletter/follow/<slug:slug>/", views.follow, name="follow"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("newsletter/vote/<str:token>/", verified_views.vote_page, name="vote"),
    path("newsletter/esp/<slug:esp>/tracking/", feedback.tracking_webhook, name="esp_tracking"),
]
