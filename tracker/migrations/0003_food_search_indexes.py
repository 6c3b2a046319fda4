from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class EnableTrigramExtension(TrigramExtension):
    """pg_trgm on PostgreSQL, nothing elsewhere (the SQLite search needs no index).

    Django's CreateExtension skips other databases going forwards but not backwards. Backwards
    it leaves the extension installed: other objects may use it, and it costs nothing idle.
    """

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass


class RunSQLOnPostgreSQL(migrations.RunSQL):
    """RunSQL that does nothing on other databases."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0002_logging_core"),
    ]

    operations = [
        EnableTrigramExtension(),
        # Food search (tracker.queries.foods): `search_name LIKE '%word%'` uses this trigram
        # index instead of scanning the catalogue. Kept out of the model's Meta, and so out of
        # the migration state, because SQLite cannot build a GIN index.
        RunSQLOnPostgreSQL(
            sql="CREATE INDEX IF NOT EXISTS food_search_name_trgm_idx "
            "ON tracker_food USING gin (search_name gin_trgm_ops)",
            reverse_sql="DROP INDEX IF EXISTS food_search_name_trgm_idx",
        ),
    ]
