"""Design contests as JSON."""

from ninja import Router

router = Router(tags=["contests"])
