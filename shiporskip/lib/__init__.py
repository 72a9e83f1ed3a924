"""Helpers every app needs, in one neutral place that imports no app (as
healthchecks keeps hc/lib/): absolute URLs, "does the client want JSON",
Markdown rendering, editors' text rules and fields, HTTP method and cross-origin
decorators, and the admin mixins shared by several apps. The import-linter
contract in pyproject.toml holds it below every app."""
