from django.urls import path

from verdicts import open_data_views, reader_views, views

app_name = "verdicts"
urlpatterns = [
    path("tools/", views.tools_index, name="tools"),
    path("tools/<slug:slug>/", views.tool_page, name="tool"),
    path("tools/<slug:slug>/vote/", reader_views.vote, name="vote"),
    path("tools/<slug:slug>/vote/withdraw/", reader_views.withdraw_vote, name="withdraw_vote"),
    path("tools/<slug:slug>.json", open_data_views.tool_json, name="tool_json"),
    path("badges/<slug:slug>.svg", open_data_views.badge, name="badge"),
    path("categories/<slug:slug>/", views.category_page, name="category"),
    path("reviewers/", views.reviewers, name="reviewers"),
    path("reviewers/<slug:slug>/", views.reviewer_page, name="reviewer"),
    path("search/", views.search, name="search"),
    path("bookmarks/", reader_views.bookmarks_page, name="bookmarks"),
]
