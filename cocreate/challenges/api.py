"""Challenges, ideas, supports, comments, reviews and statements as JSON."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["ideas"])
