"""The site's URLs plus one view that fails, to exercise the 500 page."""

from django.urls import path

from shiporskip.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("A bug, on purpose")


urlpatterns = [*site_urlpatterns, path("boom/", boom)]
