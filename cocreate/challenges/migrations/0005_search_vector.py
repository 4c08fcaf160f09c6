"""PostgreSQL: keep each idea's text-search vector in a stored generated column, so ranking reads it
instead of re-parsing every matching description (the expression index could find rows, not rank them)."""

from django.db import migrations

DOCUMENT = "to_tsvector('english', coalesce(title, '') || ' ' || coalesce(search_text, ''))"


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE challenges_idea ADD COLUMN IF NOT EXISTS search_vector tsvector "
        f"GENERATED ALWAYS AS ({DOCUMENT}) STORED"
    )
    schema_editor.execute("CREATE INDEX IF NOT EXISTS idea_search_vector ON challenges_idea USING GIN (search_vector)")
    schema_editor.execute("DROP INDEX IF EXISTS idea_search_gin")


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS idea_search_vector")
    schema_editor.execute("ALTER TABLE challenges_idea DROP COLUMN IF EXISTS search_vector")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS idea_search_gin ON challenges_idea USING GIN ({DOCUMENT})")


class Migration(migrations.Migration):
    dependencies = [("challenges", "0004_public_list_indexes")]

    operations = [migrations.RunPython(forward, backward)]
