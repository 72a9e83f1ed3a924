from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("verdicts.urls")),
    path("", include("comparisons.urls")),
    path("", include("newsletter.urls")),
]
