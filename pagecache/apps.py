from django.apps import AppConfig


class PagecacheConfig(AppConfig):
    """The page cache wires nothing itself: each domain app registers what retires
    its pages (pagecache.invalidation) in its own ready()."""

    name = "pagecache"
    verbose_name = "Page cache"
