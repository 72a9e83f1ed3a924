from django.contrib import admin
from django.urls import include, path

from verdicts.admin_markdown import markdown_preview

urlpatterns = [
    path("admin/markdown-preview/", markdown_preview, name="admin-markdown-preview"),
    path("admin/", admin.site.urls),
    path("", include("verdicts.urls")),
    path("", include("comparisons.urls")),
]
