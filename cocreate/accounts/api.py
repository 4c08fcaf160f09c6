from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from cocreate.core.api import ERROR_RESPONSES, api_actor

from . import selectors, services
from .models import User
from .schemas import ProfileIn, TokenOut, UserOut

router = Router(tags=["accounts"])


def _me(request: HttpRequest) -> User:
    user = api_actor(request)
    assert isinstance(user, User)
    return user


@router.get("/me", response={200: UserOut, **ERROR_RESPONSES}, summary="The account behind the token")
def me(request: HttpRequest) -> User:
    return _me(request)


@router.patch("/me", response={200: UserOut, **ERROR_RESPONSES}, summary="Edit your profile")
def me_update(request: HttpRequest, payload: ProfileIn) -> User:
    user = _me(request)
    return services.profile_update(actor=user, user=user, **payload.model_dump(exclude_unset=True))


@router.get("/me/tokens", response={200: list[TokenOut], **ERROR_RESPONSES}, summary="Your API tokens")
def tokens(request: HttpRequest) -> list:
    return list(selectors.token_list(user=_me(request)))


@router.delete("/me/tokens/{token_id}", response={200: TokenOut, **ERROR_RESPONSES}, summary="Revoke a token")
def token_revoke(request: HttpRequest, token_id: int) -> object:
    return services.token_revoke(actor=_me(request), token_id=token_id)
