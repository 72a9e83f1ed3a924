from django.urls import path

from verdicts import views

app_name = "verdicts"
urlpatterns = [
    path("tools/<slug:slug>/", views.tool_page, name="tool"),
    path("tools/<slug:slug>/vote/", views.vote, name="vote"),
    path("reviewers/<slug:slug>/", views.reviewer_page, name="reviewer"),
    path("bookmarks/", views.bookmarks_page, name="bookmarks"),
]
