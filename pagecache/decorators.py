"""Marks a view's pages as shareable: PageCacheMiddleware may cache them whole."""

from functools import wraps


def cached_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.shareable_page = True
        return response

    return wrapper
