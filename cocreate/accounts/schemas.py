from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from cocreate.core.api import InputSchema


class UserOut(Schema):
    id: int
    email: str
    display_name: str
    public_name: str
    role: str
    bio: str
    interests: list[str]
    skills: list[str]
    avatar_url: str | None
    date_joined: datetime

    @staticmethod
    def resolve_avatar_url(obj: object) -> str | None:
        avatar = getattr(obj, "avatar", None)
        return avatar.url if avatar else None


class ProfileIn(InputSchema):
    display_name: str | None = Field(default=None, max_length=80)
    bio: str | None = Field(default=None, max_length=2000)
    interests: list[str] | None = None
    skills: list[str] | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
