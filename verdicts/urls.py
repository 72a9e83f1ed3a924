from django.urls import path

from verdicts import views

app_name = "verdicts"
urlpatterns = [
    path("tools/<slug:slug>/", views.tool_page, name="tool"),
    path("reviewers/<slug:slug>/", views.reviewer_page, name="reviewer"),
]
