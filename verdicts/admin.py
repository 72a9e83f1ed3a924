"""The verdict desk: editors publish tools, their panel takes, personas and
categories here, and look at readers' community votes."""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from shiporskip.lib.admin_conflicts import SaveConflictMixin
from shiporskip.lib.admin_lists import LargeListAdmin
from shiporskip.lib.admin_markdown import MarkdownPreviewMixin, rendered_preview
from verdicts.admin_actions import publish_selected, unpublish_selected
from verdicts.list_counts import categories_with_all_tool_counts
from verdicts.models import Category, CommunityVote, Persona, Take, Tool
from verdicts.slugs import slug_from_name
from verdicts.vocabulary import Verdict

admin.site.site_header = "Ship or Skip — verdict desk"
admin.site.site_title = "Ship or Skip verdict desk"
admin.site.index_title = "The verdict desk"


class SlugFromNameForm(forms.ModelForm):
    """The slug may be left empty: it is filled from the name by slug_from_name(),
    as save() would, before validation so a clash shows as a form error rather
    than a crash. (No prepopulated_fields: the admin's script slugifies the way
    Django does, dropping dots, and would fill `aider-10` for "Aider 1.0".)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = (
            "Used in URLs. Leave empty to make it from the name (“Aider 1.0” → aider-1-0); "
            "it stays as it is when the name changes, so published links keep working."
        )

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if not slug:
            max_length = self._meta.model._meta.get_field("slug").max_length
            slug = slug_from_name(self.cleaned_data.get("name") or "", max_length)
        if not slug:
            raise forms.ValidationError("Enter a slug, or a name to make one from.")
        return slug


class TakeInlineForm(forms.ModelForm):
    class Meta:
        model = Take
        fields = ["persona", "score", "call", "reviewed_version", "body"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 6, "cols": 48}),
            "reviewed_version": forms.TextInput(attrs={"size": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A saved take belongs to its persona; to reassign it, delete it and add
            # another. (Swapping two personas in place would break the unique rule
            # midway through the save.)
            self.fields["persona"].disabled = True


class TakeFormSet(BaseInlineFormSet):
    # Set per request by TakeInline.get_formset: one empty row per persona
    # who has not reviewed the tool yet.
    persona_initial: list[dict] = []

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", self.persona_initial)
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()  # raises first when a persona appears in two rows
        # Django checks a constraint naming the inline's tool only between the rows
        # of one formset, so a take another editor saved since this page was opened
        # would otherwise reach the database as an IntegrityError.
        if self.instance.pk is None:
            return
        new_rows = {
            form.cleaned_data["persona"].pk: form
            for form in self.extra_forms
            if form.has_changed() and form.is_valid() and form.cleaned_data.get("persona")
        }
        already_saved = (
            Take.objects.filter(tool=self.instance, persona__in=new_rows)
            .exclude(pk__in=[form.instance.pk for form in self.initial_forms])
            .values_list("persona", flat=True)
        )
        for persona_pk in already_saved:
            new_rows[persona_pk].add_error(
                "persona",
                "This persona already has a take on this tool: it was saved since you "
                "opened this page. Reload the page to see it.",
            )

    def get_unique_error_message(self, unique_check):
        if set(unique_check) == {"tool", "persona"}:
            return "Each persona gives one take per tool: a persona appears in two rows."
        return super().get_unique_error_message(unique_check)


class TakeInline(MarkdownPreviewMixin, admin.TabularInline):
    model = Take
    form = TakeInlineForm
    formset = TakeFormSet
    fields = ["persona", "score", "call", "reviewed_version", "body", "body_preview"]
    readonly_fields = ["body_preview"]
    markdown_fields = ("body",)
    verbose_name = "panel take"
    verbose_name_plural = "panel takes (one per persona)"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "persona":
            # A bare select: edit/add/view icons beside every row are only noise here.
            formfield.widget = formfield.widget.widget
        return formfield

    def get_formset(self, request, obj=None, **kwargs):
        personas = Persona.objects.order_by("position")
        if obj is not None:
            personas = personas.exclude(takes__tool=obj)
        missing = list(personas.values_list("pk", flat=True))
        formset = super().get_formset(request, obj, extra=len(missing), **kwargs)
        formset.persona_initial = [{"persona": pk} for pk in missing]
        return formset

    @admin.display(description="Rendered preview")
    def body_preview(self, take):
        if take.pk is None:
            return rendered_preview(take.body_html)
        # Under the preview rather than a column of its own: the rows must fit 1280 px.
        url = reverse("admin:verdicts_take_history", args=[take.pk])
        return format_html(
            '{}<p class="take-history-link"><a href="{}">History: every change</a></p>',
            rendered_preview(take.body_html),
            url,
        )


class PanelVerdictFilter(admin.SimpleListFilter):
    """Filters by the same verdict the pages show (PanelTally), in the database."""

    title = "panel verdict"
    parameter_name = "verdict"

    def lookups(self, request, model_admin):
        return Verdict.choices

    def queryset(self, request, queryset):
        if self.value() in {key for key, _ in self.lookup_choices}:
            return queryset.with_panel_verdict(self.value())
        return queryset


@admin.register(Tool)
class ToolAdmin(SaveConflictMixin, MarkdownPreviewMixin, LargeListAdmin):
    form = SlugFromNameForm
    inlines = [TakeInline]
    markdown_fields = ("description",)
    list_display = [
        "name",
        "category",
        "panel_verdict",
        "panel_ship_label",
        "community",
        "entry_tier",
        "is_published",
        "published_at",
    ]
    list_filter = ["category", "entry_tier", PanelVerdictFilter, "is_published"]
    list_select_related = ["category"]
    search_fields = ["name", "tagline", "category__name"]
    # Explicit, because a grouped (annotated) query ignores Meta.ordering.
    ordering = ["name"]
    # An address typed without a scheme is taken as https://, Django 6's default.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = [publish_selected, unpublish_selected]
    readonly_fields = ["description_preview", "panel_summary", "community_summary"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "tagline", "logo_initial"]}),
        ("Review", {"fields": ["description", "description_preview", "entry_tier", "pricing"]}),
        ("Links", {"fields": ["website"]}),
        (
            "Publishing",
            {
                "fields": ["is_published", "published_at", "panel_summary", "community_summary"],
                "description": "Readers see a tool once it is published and its date has "
                "come. Staff can preview drafts on the site with “View on site”.",
            },
        ),
    ]

    def save_formset(self, request, form, formset, change):
        # The take rows' history records name the editor, as the take admin's do.
        for take_form in formset.forms:
            take_form.instance._history_user = request.user
        super().save_formset(request, form, formset, change)

    @admin.display(description="Panel verdict")
    def panel_verdict(self, tool):
        return tool.panel.verdict_label

    @admin.display(description="Panel ship", ordering="panel_ship_percent")
    def panel_ship_label(self, tool):
        return tool.panel.percent_label

    @admin.display(description="Community")
    def community(self, tool):
        return tool.community.summary

    @admin.display(description="Rendered preview")
    def description_preview(self, tool):
        return rendered_preview(tool.description_html)

    @admin.display(description="Panel")
    def panel_summary(self, tool):
        return tool.panel.summary if tool.pk else Verdict.NONE.label

    @admin.display(description="Community vote")
    def community_summary(self, tool):
        return tool.community.summary


@admin.register(Take)
class TakeAdmin(SaveConflictMixin, MarkdownPreviewMixin, SimpleHistoryAdmin, LargeListAdmin):
    """One take on its own, with django-simple-history's "History" view of every
    dated change (also reached from the tool page's take rows)."""

    markdown_fields = ("body",)
    list_display = ["tool", "persona", "score", "call", "reviewed_version", "updated_at"]
    list_filter = ["persona", "call"]
    list_select_related = ["tool", "persona"]
    search_fields = ["tool__name", "persona__name"]
    # A select of every tool would weigh megabytes at ten thousand tools.
    autocomplete_fields = ["tool"]
    # Newest edit first, read from an index whatever the filter (take_updated,
    # take_call_updated, take_persona_updated; each ends with the id the admin
    # adds to the order). By tool name, a filtered list made SQLite sort every
    # matching take: 36 ms for the skips of 60,000 takes.
    ordering = ["-updated_at"]
    fields = ["tool", "persona", "score", "call", "reviewed_version", "body", "body_preview"]
    readonly_fields = ["body_preview"]
    history_list_display = ["score", "call", "reviewed_version"]

    def get_readonly_fields(self, request, obj=None):
        # A take belongs to its tool and persona: to move it, delete it and add another.
        fixed = ["tool", "persona"] if obj is not None else []
        return [*fixed, *super().get_readonly_fields(request, obj)]

    @admin.display(description="Rendered preview")
    def body_preview(self, take):
        return rendered_preview(take.body_html)


@admin.register(Category)
class CategoryAdmin(SaveConflictMixin, LargeListAdmin):
    form = SlugFromNameForm
    list_display = ["name", "slug", "tool_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        # Not a join of every tool grouped by category: it grew with the catalogue.
        return categories_with_all_tool_counts(super().get_queryset(request))

    @admin.display(description="Tools", ordering="tool_total")
    def tool_count(self, category):
        return category.tool_total


@admin.register(Persona)
class PersonaAdmin(SaveConflictMixin, LargeListAdmin):
    form = SlugFromNameForm
    list_display = ["position", "name", "motto"]
    list_display_links = ["name"]
    search_fields = ["name", "motto"]


class ToolFilter(admin.SimpleListFilter):
    """Votes on one tool, named by slug or exact name in a search box: with ten
    thousand tools, a link per tool would weigh megabytes and a query per page.
    One query, for the chosen tool only."""

    title = "tool"
    parameter_name = "tool"
    template = "admin/tool_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        # The other filters and the search, kept by the box's form as hidden fields.
        self.kept_params = [
            (name, value)
            for name, values in request.GET.lists()
            if name not in (self.parameter_name, "p")
            for value in values
        ]

    def lookups(self, request, model_admin):
        typed = self.value()
        if not typed:
            return []
        tool = (
            Tool.objects.filter(Q(slug=typed) | Q(name__iexact=typed))
            .order_by("pk")
            .values_list("slug", "name")
            .first()
        )
        self.chosen = tool
        return [tool] if tool else []

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        chosen = getattr(self, "chosen", None)
        # An unknown tool lists nothing rather than everything.
        return queryset.filter(tool__slug=chosen[0]) if chosen else queryset.none()


@admin.register(CommunityVote)
class CommunityVoteAdmin(LargeListAdmin):
    """Readers' own votes: the desk looks, nobody edits them through the admin."""

    list_display = ["tool", "call", "reader", "tool_tally", "updated_at"]
    list_filter = ["call", ToolFilter]
    list_select_related = ["tool"]
    search_fields = ["tool__name"]

    @admin.display(description="Reader")
    def reader(self, vote):
        return f"{vote.visitor_key[:8]}…"

    @admin.display(description="Tool's community tally")
    def tool_tally(self, vote):
        return vote.tool.community.summary

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
