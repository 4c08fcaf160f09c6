"""Seed the demo brand. Idempotent: each step checks what exists and only adds what is missing."""

from __future__ import annotations

import random
import secrets
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from cocreate.accounts import services as account_services
from cocreate.accounts.models import Role, User
from cocreate.brand import selectors as brand_selectors
from cocreate.brand import services as brand_services
from cocreate.brand.models import Product

from . import brand as data
from .text import MemberFactory


@dataclass
class Login:
    email: str
    password: str
    role: str


def _credentials_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-logins.txt"


def _password_for(email: str) -> str:
    """Demo passwords are generated once per data folder and kept beside the database."""
    path = _credentials_file()
    known: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if "\t" in line:
                e, p = line.split("\t", 1)
                known[e] = p
    if email not in known:
        known[email] = "demo-" + secrets.token_urlsafe(9)
        path.write_text("".join(f"{e}\t{p}\n" for e, p in known.items()))
        path.chmod(0o600)
    return known[email]


def _ensure_account(spec: dict[str, str]) -> Login:
    password = _password_for(spec["email"])
    user = User.objects.filter(email__iexact=spec["email"]).first()
    if user is None:
        user = account_services.user_create_verified(
            actor=None, email=spec["email"], role=spec["role"], display_name=spec["display_name"]
        )
    # The printed log-in must always work, even if someone changed it in an earlier session.
    user.set_password(password)
    user.save(update_fields=["password"])
    return Login(email=user.email, password=password, role=spec["role"])


@transaction.atomic
def seed_brand() -> None:
    org = brand_selectors.organization_get()
    staff = User.objects.filter(role=Role.ADMIN).first()
    if org.name == "Cocreate" and staff is not None:
        brand_services.organization_update(actor=staff, logo=None, **data.ORGANIZATION)
    if brand_selectors.terms_current() is None and staff is not None:
        brand_services.terms_publish(actor=staff, **data.TERMS)
    for name, category, status, launch, description in data.PRODUCTS:
        if not Product.objects.filter(name=name).exists() and staff is not None:
            brand_services.product_create(
                actor=staff,
                name=name,
                category=category,
                status=status,
                launch_date=launch,
                description=description,
                sku=f"NB-{zlib.crc32(name.encode()) % 90000 + 10000}",
            )


@transaction.atomic
def seed_members(count: int = 60) -> int:
    """Community members with believable names, interests and skills (deterministic)."""
    existing = User.objects.filter(email__endswith="@members.northbrick.example").count()
    if existing >= count:
        return 0
    factory = MemberFactory(random.Random(20261123))
    made = 0
    for i in range(count):
        person = factory.person(i)
        if User.objects.filter(email=person.email).exists():
            continue
        user = account_services.user_create_verified(
            actor=None, email=person.email, role=Role.MEMBER, display_name=person.display_name
        )
        account_services.profile_update(
            actor=user, user=user, bio=person.bio, interests=person.interests, skills=person.skills
        )
        made += 1
    return made


def seed_demo() -> list[Login]:
    staff = _ensure_account(data.STAFF)
    member = _ensure_account(data.MEMBER)
    seed_brand()
    terms = brand_selectors.terms_current()
    if terms is not None:
        for login in (staff, member):
            user = User.objects.get(email=login.email)
            account_services.terms_accept(actor=user, terms=terms)
    seed_members()
    return [staff, member]
