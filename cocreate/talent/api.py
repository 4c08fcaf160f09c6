"""Talent as JSON."""

from ninja import Router

router = Router(tags=["talent"])
