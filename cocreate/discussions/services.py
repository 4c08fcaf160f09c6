"""Writes for the conversation engine.

Invariants guarded here:
- every conversation belongs to exactly one owner (an idea, a thread…), which creates it with itself.
"""

from __future__ import annotations

from .models import Discussion


def discussion_create() -> Discussion:
    """A new, empty conversation for an owner created in the same transaction."""
    return Discussion.objects.create()
