"""The community's JSON API: one router per subject, mounted together under /api/v1/."""

from __future__ import annotations

from ninja import Router

from . import forum, improvements, themes, triage

router = Router(tags=["community"])
router.add_router("", forum.router)
router.add_router("", triage.router)
router.add_router("", themes.router)
router.add_router("", improvements.router)
