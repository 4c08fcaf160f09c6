"""Full-text search over ideas: a GIN expression index on PostgreSQL, an FTS5 table kept by triggers on
SQLite. Both index `title` and `search_text` (title and description)."""

from django.db import migrations

PG_FORWARD = [
    "CREATE INDEX IF NOT EXISTS idea_search_gin ON challenges_idea "
    "USING GIN (to_tsvector('english', coalesce(title, '') || ' ' || coalesce(search_text, '')))",
]
PG_BACKWARD = ["DROP INDEX IF EXISTS idea_search_gin"]

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS challenges_idea_fts USING fts5("
    "title, search_text, content='challenges_idea', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER IF NOT EXISTS challenges_idea_fts_ai AFTER INSERT ON challenges_idea BEGIN "
    "INSERT INTO challenges_idea_fts(rowid, title, search_text) VALUES (new.id, new.title, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS challenges_idea_fts_ad AFTER DELETE ON challenges_idea BEGIN "
    "INSERT INTO challenges_idea_fts(challenges_idea_fts, rowid, title, search_text) "
    "VALUES ('delete', old.id, old.title, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS challenges_idea_fts_au AFTER UPDATE OF title, search_text ON challenges_idea "
    "BEGIN INSERT INTO challenges_idea_fts(challenges_idea_fts, rowid, title, search_text) "
    "VALUES ('delete', old.id, old.title, old.search_text); "
    "INSERT INTO challenges_idea_fts(rowid, title, search_text) VALUES (new.id, new.title, new.search_text); END",
    "INSERT INTO challenges_idea_fts(challenges_idea_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS challenges_idea_fts_au",
    "DROP TRIGGER IF EXISTS challenges_idea_fts_ad",
    "DROP TRIGGER IF EXISTS challenges_idea_fts_ai",
    "DROP TABLE IF EXISTS challenges_idea_fts",
]


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = PG_FORWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD
    if schema_editor.connection.vendor not in ("postgresql", "sqlite"):
        return
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = PG_BACKWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_BACKWARD
    if schema_editor.connection.vendor not in ("postgresql", "sqlite"):
        return
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("challenges", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
