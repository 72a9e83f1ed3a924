"""Two editors saving clashing rows at the same moment.

The admin validates uniqueness (a tool's name, one take per persona, a pair
compared once) before it writes, but on PostgreSQL another editor's save can
commit in between, and the database then refuses the write with an
IntegrityError: a 500 that throws the editor's work away. Running the same
POST once more is safe, because the failed save was rolled back whole; this
time validation sees the other editor's row and answers with the form's own
error, the editor's input still in the form. (SQLite's IMMEDIATE transactions
take the write lock before validation, so the window does not exist there.)
"""

from django.db import IntegrityError


class SaveConflictMixin:
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError:
            if request.method != "POST":
                raise
            return super().changeform_view(request, object_id, form_url, extra_context)
