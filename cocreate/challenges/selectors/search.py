"""Full-text search over ideas: PostgreSQL's text search, or SQLite's FTS5, ranked by relevance."""

from __future__ import annotations

import re

from django.db import connection

MAX_TERMS = 12
_WORD = re.compile(r"\w+", re.UNICODE)


def _terms(query: str) -> list[str]:
    return _WORD.findall((query or "").lower())[:MAX_TERMS]


def idea_search_ids(query: str, *, limit: int = 200) -> list[int]:
    """Ids of ideas matching every word of `query`, best first. User input never reaches the query
    syntax: it is reduced to words, and each word is quoted (FTS5) or passed to plainto_tsquery."""
    terms = _terms(query)
    if not terms:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # search_vector is a stored generated column (migration 0005) with a GIN index.
            cursor.execute(
                "SELECT id FROM challenges_idea, plainto_tsquery('english', %s) AS query "
                "WHERE search_vector @@ query ORDER BY ts_rank(search_vector, query) DESC, id DESC LIMIT %s",
                [" ".join(terms), limit],
            )
        else:
            match = " ".join(f'"{t}"' for t in terms)
            cursor.execute(
                "SELECT rowid FROM challenges_idea_fts WHERE challenges_idea_fts MATCH %s "
                "ORDER BY rank LIMIT %s",
                [match, limit],
            )
        return [int(row[0]) for row in cursor.fetchall()]
