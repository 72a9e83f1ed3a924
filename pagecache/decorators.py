"""Marks a view's pages as shareable: PageCacheMiddleware may cache them whole.

`@cached_page` pages show community tallies, so any vote retires them; mark a
view `@cached_page(uses_votes=False)` when nothing on it moves with votes, and
it survives them until an editor changes content.
"""

from functools import wraps


def cached_page(view=None, *, uses_votes=True):
    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response.shareable_page = True
            response.page_uses_votes = uses_votes
            return response

        return wrapper

    return decorate(view) if view is not None else decorate
