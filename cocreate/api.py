"""The JSON API at /api/v1/: each app contributes a router; errors share one shape."""

from __future__ import annotations

from ninja import NinjaAPI

from cocreate.accounts.api import router as accounts_router
from cocreate.accounts.api_auth import api_auth
from cocreate.brand.api import router as brand_router
from cocreate.challenges.api import router as challenges_router
from cocreate.community.api import router as community_router
from cocreate.contests.api import router as contests_router
from cocreate.core.api import install_error_handlers
from cocreate.insights.api import router as insights_router
from cocreate.journeys.api import router as journeys_router
from cocreate.rewards.api import router as rewards_router
from cocreate.talent.api import router as talent_router
from cocreate.workshops.api import router as workshops_router

api = NinjaAPI(
    title="Cocreate API",
    version="1",
    description=(
        "The Cocreate JSON API. Authenticate with a personal token (`Authorization: Bearer cct_…`, "
        "created on your profile page) or, from the site itself, with the session cookie and CSRF token. "
        "Every error "
        'answers `{"detail": message, "errors": [{"field": …, "message": …}]}`. Lists are cursor-paginated: '
        "pass `next_cursor` back as `cursor`."
    ),
    urls_namespace="api-v1",
    auth=api_auth,
)
install_error_handlers(api)
api.add_router("/accounts", accounts_router)
api.add_router("/", brand_router)
api.add_router("/", journeys_router)
api.add_router("/", challenges_router)
api.add_router("/", community_router)
api.add_router("/", insights_router)
api.add_router("/", rewards_router)
api.add_router("/", workshops_router)
api.add_router("/", contests_router)
api.add_router("/", talent_router)
