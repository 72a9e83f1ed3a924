"""Publishing actions shared by the tool and comparison admins.

Each object is saved through its own save(), never queryset.update(): save()
renders Markdown and sends the signals that page caching listens to, so an
editor's change reaches the public pages at once.
"""

from django.contrib import admin, messages


def _set_published(modeladmin, request, queryset, published: bool) -> None:
    changed = 0
    for obj in queryset:
        if obj.is_published == published:
            continue
        obj.is_published = published
        obj.save()
        modeladmin.log_change(request, obj, [{"changed": {"fields": ["Is published"]}}])
        changed += 1
    verb = "Published" if published else "Unpublished"
    noun = modeladmin.model._meta.verbose_name
    plural = modeladmin.model._meta.verbose_name_plural
    modeladmin.message_user(
        request, f"{verb} {changed} {noun if changed == 1 else plural}.", messages.SUCCESS
    )


@admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["change"])
def publish_selected(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, True)


@admin.action(description="Unpublish selected %(verbose_name_plural)s", permissions=["change"])
def unpublish_selected(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, False)
