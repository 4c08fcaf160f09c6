"""Prototype tests and polls in the JSON API."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["insights"])
