"""Admin changelists that stay as fast at a million rows as at a hundred.

Django's changelist counts the rows it lists (`SELECT COUNT(*)`) on every page
view, and counts the whole table once more for the search box's "N total".
Both read every row: at a million community votes that is most of the page's
time, on SQLite and on PostgreSQL alike. Here the count stops at COUNT_CAP + 1
rows (`SELECT COUNT(*) FROM (SELECT … LIMIT 10001)`), so it costs the same at
any size; beyond the cap the list says "more than 10,000" and pages on through
the first COUNT_CAP rows; filters, search and dates narrow it further.

What is left grows with the rows on the page, not in the table: rendering a
row through the admin's cells costs more than fetching it (about 1.5 to 3 ms a
row here), so these lists show LIST_PER_PAGE rows (Django's default is 100) and
draw each row's action checkbox without a template.
"""

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _

# Rows counted exactly; a list longer than this is "more than COUNT_CAP".
COUNT_CAP = 10_000
# Rows on one page of a changelist.
LIST_PER_PAGE = 25


class MoreThan(int):
    """A count that stopped at its cap: compares and pages as the int COUNT_CAP + 1,
    and reads "more than 10,000" wherever the admin prints a count (the paginator
    line, the search box's "N results", "Select all N")."""

    def __str__(self):
        return f"more than {COUNT_CAP:,}"

    __html__ = __str__  # Django's templates print it through localize(): keep the words


class CappedCountPaginator(Paginator):
    """A Paginator whose `count` is exact up to COUNT_CAP and a MoreThan beyond it.
    One query either way, reading at most COUNT_CAP + 1 rows."""

    @cached_property
    def count(self) -> int:
        # No ORDER BY: a count needs no order, and the cap must stop the scan early.
        counted = self.object_list.order_by()[: COUNT_CAP + 1].count()
        return MoreThan(counted) if counted > COUNT_CAP else counted


class LargeListAdmin(admin.ModelAdmin):
    """A ModelAdmin whose changelist runs no full COUNT (the capped paginator, and
    no "N total" count of the whole table beside a filtered one) and renders
    LIST_PER_PAGE rows."""

    paginator = CappedCountPaginator
    show_full_result_count = False
    list_per_page = LIST_PER_PAGE

    def action_checkbox(self, obj):
        """The same <input> as ModelAdmin.action_checkbox, written directly instead
        of through the form widget's template (a third of a row's time)."""
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )
