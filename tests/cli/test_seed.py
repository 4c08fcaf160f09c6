"""`cocreate seed`: sizes per scale, determinism, resuming, members who can log in, the registry."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse

from cocreate.accounts.models import Role, User
from cocreate.brand.models import Product
from cocreate.cli.management.commands.seed import Command
from cocreate.demo import generate
from cocreate.demo.generate import Context, Generator, seeded_members, seeded_products
from cocreate.demo.seeding import seed_members as seed_demo_members

pytestmark = pytest.mark.django_db

TODAY = "2026-06-01"


# These tests are about members, products and the machinery; the idea and forum generators have their own
# tests.
WITHOUT_IDEAS = (
    *("--rows", "challenges=0", "--rows", "ideas=0", "--rows", "supports=0"),
    *("--rows", "boards=0", "--rows", "threads=0", "--rows", "replies=0"),
)


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed", "--today", TODAY, *args, *WITHOUT_IDEAS, stdout=out)
    return out.getvalue()


def members_snapshot() -> list[tuple[Any, ...]]:
    return list(
        seeded_members()
        .order_by("email")
        .values_list("email", "display_name", "bio", "interests", "skills", "date_joined", "password", "role")
    )


def products_snapshot() -> list[tuple[Any, ...]]:
    return list(
        seeded_products()
        .order_by("sku")
        .values_list("name", "slug", "category", "description", "launch_date", "status", "created_at")
    )


def forget_seeded() -> None:
    seeded_members().delete()
    seeded_products().delete()


def test_scale_one_makes_a_thousand_members_and_21_products() -> None:
    out = seed("--scale", "1")
    assert seeded_members().count() == 1000
    assert seeded_products().count() == 21
    assert EmailAddress.objects.filter(user__in=seeded_members()).count() == 1000
    # The summary names each table, the database and the speed.
    assert "accounts_user" in out and "account_emailaddress" in out and "brand_product" in out
    assert ("PostgreSQL" if connection.vendor == "postgresql" else "SQLite") in out
    assert "Rows/s" in out
    assert re.search(r"accounts_user\s*│\s*1,000\s*│", out) and re.search(
        r"brand_product\s*│\s*21\s*│", out
    ), out


def test_same_seed_gives_the_same_data_and_a_rerun_adds_only_what_is_missing() -> None:
    # Small batches and a stop in the middle of a random block exercise the resume path.
    seed("--rows", "members=130", "--rows", "products=3", "--batch-size", "40")
    out = seed("--rows", "members=350", "--rows", "products=7", "--batch-size", "40")
    assert re.search(r"accounts_user\s*│\s*220\s*│\s*130\s*│", out), out
    resumed = (members_snapshot(), products_snapshot())

    again = seed("--rows", "members=350", "--rows", "products=7")
    assert re.search(r"accounts_user\s*│\s*0\s*│\s*350\s*│", again), again
    assert (members_snapshot(), products_snapshot()) == resumed

    forget_seeded()
    seed("--rows", "members=350", "--rows", "products=7")
    assert (members_snapshot(), products_snapshot()) == resumed
    assert len(resumed[0]) == 350 and len(resumed[1]) == 7

    forget_seeded()
    seed("--rows", "members=350", "--rows", "products=7", "--seed", "7")
    assert members_snapshot() != resumed[0]
    assert products_snapshot() != resumed[1]


def test_a_smaller_scale_after_a_larger_one_adds_nothing() -> None:
    seed("--rows", "members=60", "--rows", "products=5")
    seed("--rows", "members=20", "--rows", "products=2")
    assert seeded_members().count() == 60
    assert seeded_products().count() == 5


def test_seeded_members_have_verified_addresses_and_can_reset_their_password(client: Client) -> None:
    seed("--rows", "members=40", "--rows", "products=0")
    members = list(seeded_members())
    assert len(members) == 40
    addresses = {a.user_id: a for a in EmailAddress.objects.filter(user__in=members)}
    for user in members:
        address = addresses[user.pk]
        assert address.email == user.email and address.verified and address.primary
        assert user.role == Role.MEMBER and user.is_active and not user.is_staff
        assert not user.has_usable_password()

    user = members[0]
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    link = re.search(r"https?://[^/\s]+(/\S+)", str(mail.outbox[0].body))
    assert link is not None
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    password = "a-brand-new-password-42"
    response = client.post(form_url, {"password1": password, "password2": password})
    assert response.status_code == 302
    assert Client().login(username=user.email, password=password)


def test_members_look_like_a_growing_community() -> None:
    seed("--rows", "members=300", "--rows", "products=0")
    end = datetime.combine(date.fromisoformat(TODAY), datetime.min.time(), tzinfo=UTC)
    joined = list(seeded_members().values_list("date_joined", flat=True))
    assert all(end - timedelta(days=3 * 365 + 1) <= d < end for d in joined)
    recent = sum(d >= end - timedelta(days=365) for d in joined)
    assert recent > len(joined) / 3  # more joined in the last year than in an average one
    users = list(seeded_members()[:50])
    assert all(u.display_name and u.bio and u.interests for u in users)
    assert len({u.bio for u in users}) > 40


def test_products_have_unique_slugs_and_consistent_dates() -> None:
    seed("--rows", "members=0", "--rows", "products=120")
    products = list(seeded_products())
    assert len(products) == 120
    assert len({p.slug for p in products}) == 120
    assert len({p.name for p in products}) == 120
    today = date.fromisoformat(TODAY)
    for p in products:
        assert p.sku.startswith("NBS-") and p.slug.endswith(p.sku.removeprefix("NBS-"))
        assert p.category and 2 <= len(re.findall(r"[.!?](?=\s|$)", p.description)) <= 3
        if p.status == "concept":
            assert p.launch_date is None
        elif p.status == "in_development":
            assert p.launch_date is not None and p.launch_date > today
        else:
            assert p.launch_date is not None and p.launch_date <= today
        assert p.created_at <= p.updated_at
    assert {p.status for p in products} == {"concept", "in_development", "launched", "retired"}


def test_a_hand_edited_seed_is_refused_with_a_clear_error() -> None:
    seed("--rows", "members=30", "--rows", "products=0")
    seeded_members().filter(email__contains=".10@").delete()
    with pytest.raises(CommandError, match="changed or deleted by hand"):
        seed("--rows", "members=40", "--rows", "products=0")
    assert seeded_members().count() == 29


def test_seeding_leaves_demo_accounts_and_products_alone(brand_admin: User) -> None:
    seed_demo_members(count=3)
    Product.objects.create(name="Harbour Lighthouse", slug="harbour-lighthouse", sku="NB-12345")
    seed("--rows", "members=25", "--rows", "products=4")
    assert User.objects.filter(email__endswith="@members.northbrick.example").count() == 3
    assert seeded_members().count() == 25
    assert Product.objects.count() == 5


def test_registered_generators_run_in_order_and_see_earlier_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def probe(ctx: Context) -> int:
        seen.update(
            members=list(ctx.ids["members"]),
            products=len(ctx.ids["products"]),
            scale=ctx.scale,
            vendor=ctx.vendor,
        )
        ctx.progress(0, 0)
        return 0

    monkeypatch.setitem(generate._registry, "probe", Generator(name="probe", order=99, run=probe, rows="-"))
    assert [g.name for g in generate.registered()] == [
        "members",
        "products",
        "challenges",
        "ideas",
        "supports",
        "boards",
        "threads",
        "replies",
        "probe",
    ]
    seed("--scale", "0", "--rows", "members=25")
    assert seen["members"] == list(seeded_members().order_by("pk").values_list("pk", flat=True))
    assert len(seen["members"]) == 25
    assert seen["products"] == 20  # 20 + N at scale 0
    assert seen == {**seen, "scale": 0, "vendor": connection.vendor}


def test_help_explains_the_scale() -> None:
    text = Command().create_parser("cocreate", "seed").format_help()
    assert "1,000 × N members" in text and "20 + N products" in text and "--seed" in text
    assert "--rows" not in text


def test_bad_options_are_refused_clearly() -> None:
    with pytest.raises(CommandError, match="NAME=COUNT"):
        seed("--rows", "nonsense=5")
    with pytest.raises(CommandError, match="--scale"):
        seed("--scale", "-1")


def test_app_seed_modules_are_found_by_convention() -> None:
    loaded = generate.load_app_generators()
    assert all(m.startswith("cocreate.") and m.endswith(".seed") for m in loaded)
