"""Migration tests' moves: take the database to a chosen migration state (to write
rows as an older release left them), and back to every migration applied.

Tests that call migrate() need `@pytest.mark.django_db(transaction=True)` (schema
changes cannot roll back with a test's transaction on every database) and the
`back_to_latest` fixture (tests/conftest.py), so the next test finds the schema
the rest of the suite expects.
"""

import importlib
from types import ModuleType

from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets: list[tuple[str, str]]) -> Apps:
    """Apply or unapply migrations until the database is at `targets`
    ([(app label, migration name)]), and return the historical models of that
    state (`.get_model(app, model)`)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> Apps:
    """Every migration applied, as after `manage.py migrate`."""
    return migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def migration_module(name: str) -> ModuleType:
    """A migration file as a module ("verdicts.migrations.0004_clean_stored_text"):
    its names start with digits, so `import` cannot reach it."""
    return importlib.import_module(name)
