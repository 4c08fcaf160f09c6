"""Prototype tests on the real database: who may respond, what a response must hold, invitations by
persona, files that lie about their type, and the results per version and per persona."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cocreate.accounts.models import User
from cocreate.core.errors import Conflict, DomainError, NotAllowed
from cocreate.insights import selectors, services
from cocreate.insights.models import (
    PrototypeInvitation,
    PrototypeRating,
    PrototypeResponse,
    PrototypeStatus,
    PrototypeTest,
    PrototypeVersion,
)
from cocreate.journeys import services as journey_services
from cocreate.journeys.models import Contribution, ContributionKind, Persona
from cocreate.notifications.models import Notification

from .conftest import PDF, png

pytestmark = pytest.mark.django_db

GOOD = {"Ease of use": 4, "Looks": 5}


def invite(admin: User, test: PrototypeTest, *users: User) -> None:
    services.invitations_send(actor=admin, test=test, emails=[u.email for u in users])


def respond(user: User, version: PrototypeVersion, ratings: Any = None, **kw: Any) -> PrototypeResponse:
    kw.setdefault("purchase_intent", 4)
    return services.response_submit(
        actor=user, version=version, ratings=GOOD if ratings is None else ratings, **kw
    )


def nothing_stored() -> bool:
    return not (
        PrototypeResponse.objects.exists()
        or PrototypeRating.objects.exists()
        or Contribution.objects.exists()
    )


# --- Responses ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ratings", "intent", "field"),
    [
        ({"Ease of use": 6, "Looks": 3}, 4, "ratings.Ease of use"),
        ({"Ease of use": 0, "Looks": 3}, 4, "ratings.Ease of use"),
        ({"Ease of use": "4.5", "Looks": 3}, 4, "ratings.Ease of use"),
        ({"Ease of use": 3}, 4, "ratings.Looks"),
        ({"Ease of use": 3, "Looks": 3, "Price": 2}, 4, "ratings.Price"),
        (GOOD, 7, "purchase_intent"),
        (GOOD, None, "purchase_intent"),
    ],
)
def test_a_response_out_of_range_is_refused_and_nothing_is_stored(
    brand_admin: User,
    member: User,
    make_test: Callable[..., PrototypeTest],
    ratings: Any,
    intent: Any,
    field: str,
) -> None:
    test = make_test()
    invite(brand_admin, test, member)
    with pytest.raises(DomainError) as err:
        respond(member, test.versions.first(), ratings, purchase_intent=intent)
    assert field in [e.field for e in err.value.errors]
    assert err.value.status == 400
    assert nothing_stored()


def test_every_mistake_is_reported_at_once(
    brand_admin: User, member: User, make_test: Callable[..., PrototypeTest]
) -> None:
    test = make_test()
    invite(brand_admin, test, member)
    with pytest.raises(DomainError) as err:
        respond(member, test.versions.first(), {"Ease of use": 9}, purchase_intent=0)
    assert [e.field for e in err.value.errors] == ["ratings.Ease of use", "ratings.Looks", "purchase_intent"]
    assert "from 1 to 5; 9 is not" in err.value.errors[0].message


def test_a_member_responds_once_per_version(
    brand_admin: User, member: User, make_test: Callable[..., PrototypeTest]
) -> None:
    test = make_test()
    invite(brand_admin, test, member)
    v1, v2 = test.versions.order_by("position")
    respond(member, v1, answers=["Bigger cabin"])
    with pytest.raises(Conflict, match="already responded to v1"):
        respond(member, v1, {"Ease of use": 1, "Looks": 1})
    respond(member, v2)
    assert PrototypeResponse.objects.filter(user=member).count() == 2
    assert sorted(PrototypeRating.objects.filter(version=v1).values_list("score", flat=True)) == [4, 5]
    invitation = PrototypeInvitation.objects.get(user=member)
    assert invitation.responded_at is not None


def test_an_uninvited_member_is_refused_unless_the_test_is_open_to_all(
    brand_admin: User, member: User, make_test: Callable[..., PrototypeTest]
) -> None:
    test = make_test()
    with pytest.raises(NotAllowed, match="invited members only"):
        respond(member, test.versions.first())
    assert nothing_stored()
    services.prototype_test_update(actor=brand_admin, test=test, open_to_all=True)
    respond(member, test.versions.first())
    assert PrototypeResponse.objects.count() == 1


def test_a_draft_or_closed_test_takes_no_response(
    brand_admin: User, member: User, make_test: Callable[..., PrototypeTest]
) -> None:
    test = make_test(status=PrototypeStatus.DRAFT)
    invite(brand_admin, test, member)
    with pytest.raises(DomainError, match="not open"):
        respond(member, test.versions.first())
    services.prototype_test_update(actor=brand_admin, test=test, status=PrototypeStatus.CLOSED)
    with pytest.raises(DomainError, match="not open"):
        respond(member, test.versions.first())
    assert nothing_stored()


def test_a_test_opens_only_with_a_version(brand_admin: User) -> None:
    with pytest.raises(DomainError, match="Add a version") as err:
        services.prototype_test_create(actor=brand_admin, title="Tram", criteria=["Looks"], status="open")
    assert err.value.field == "status"
    assert not PrototypeTest.objects.exists()


def test_criteria_are_checked_and_locked_once_rated(
    brand_admin: User, member: User, make_test: Callable[..., PrototypeTest]
) -> None:
    with pytest.raises(DomainError, match="at least one criterion"):
        services.prototype_test_create(actor=brand_admin, title="Tram", criteria=[" "])
    with pytest.raises(DomainError, match="must be different"):
        services.prototype_test_create(actor=brand_admin, title="Tram", criteria=["Looks", "looks"])
    test = make_test()
    services.prototype_test_update(actor=brand_admin, test=test, criteria=["Ease of use", "Looks", "Fun"])
    invite(brand_admin, test, member)
    respond(member, test.versions.first(), {"Ease of use": 3, "Looks": 3, "Fun": 5})
    with pytest.raises(Conflict, match="can no longer change"):
        services.prototype_test_update(actor=brand_admin, test=test, criteria=["Ease of use"])
    test.refresh_from_db()
    assert test.criteria == ["Ease of use", "Looks", "Fun"]


def test_a_response_through_the_tests_point_is_attributed(
    brand_admin: User, member: User, make_test: Callable[..., PrototypeTest]
) -> None:
    journey = journey_services.journey_create(actor=brand_admin, name="Fans")
    stage = journey.stages.get(name="Development")
    point = journey_services.point_create(
        actor=brand_admin, journey=journey, stage=stage, kind="prototype", title="Test the cable car"
    )
    idea_point = journey_services.point_create(
        actor=brand_admin, journey=journey, stage=stage, kind="idea", title="Ideas"
    )
    with pytest.raises(DomainError, match="prototype feedback"):
        make_test(point=idea_point)
    test = make_test(point=point)
    invite(brand_admin, test, member)
    response = respond(member, test.versions.first(), {"Ease of use": 2, "Looks": 5})
    c = Contribution.objects.get()
    assert (c.point, c.kind, c.user, c.rating) == (point, ContributionKind.RATING, member, 4)
    assert (c.target_type, c.target_id, c.source) == ("insights.prototyperesponse", response.pk, "site")


# --- Who may manage ---------------------------------------------------------------------------------
def test_members_and_moderators_cannot_create_or_change_tests(
    member: User, moderator: User, brand_admin: User, make_test: Callable[..., PrototypeTest]
) -> None:
    for actor in (member, moderator):
        with pytest.raises(NotAllowed):
            services.prototype_test_create(actor=actor, title="Mine", criteria=["Looks"])
    test = make_test()
    with pytest.raises(NotAllowed):
        services.version_create(actor=member, test=test, label="v3")
    with pytest.raises(NotAllowed):
        services.invitations_send(actor=member, test=test, emails=[member.email])
    assert test.versions.count() == 2 and not PrototypeInvitation.objects.exists()


# --- Versions and their uploads -------------------------------------------------------------------------
def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("instructions.txt", "Step 1: the base.")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plans.pdf", png().read(), "neither"),
        ("plans.pdf", zip_bytes(), "named .pdf but its content is a ZIP"),
        ("kit.zip", PDF, "named .zip but its content is a PDF"),
        ("kit.zip", b"<html><script>alert(1)</script></html>", "neither"),
        ("broken.zip", b"PK\x03\x04garbage", "damaged"),
    ],
)
def test_a_file_that_lies_about_its_type_is_refused(
    brand_admin: User, make_test: Callable[..., PrototypeTest], name: str, content: bytes, message: str
) -> None:
    test = make_test()
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    with pytest.raises(DomainError, match=message) as err:
        services.version_create(actor=brand_admin, test=test, label="v3", file=upload)
    assert err.value.field == "file"
    assert not test.versions.filter(label="v3").exists()


def test_a_version_keeps_a_real_pdf_zip_images_and_an_http_link(
    brand_admin: User, make_test: Callable[..., PrototypeTest], settings: Any
) -> None:
    test = make_test()
    version = services.version_create(
        actor=brand_admin,
        test=test,
        label="v3",
        link="https://northbrick.example/proto/v3",
        file=SimpleUploadedFile("Building plan.pdf", PDF),
        images=[png("a.png"), png("b.png", "#2c3e50")],
        image_alts=["The cabin from the front"],
    )
    assert version.file_name == "Building plan.pdf" and version.file.name.endswith(".pdf")
    assert [i.alt for i in version.images.all()] == ["The cabin from the front", "v3 (2)"]
    kit = services.version_update(
        actor=brand_admin, version=version, file=SimpleUploadedFile("kit.zip", zip_bytes())
    )
    assert kit.file_name == "kit.zip"
    with pytest.raises(DomainError, match="http") as err:
        services.version_update(actor=brand_admin, version=version, link="javascript:alert(1)")
    assert err.value.field == "link"
    with pytest.raises(DomainError) as err:
        services.version_update(
            actor=brand_admin, version=version, images=[SimpleUploadedFile("x.png", b"not an image")]
        )
    assert err.value.field == "images"
    with pytest.raises(Conflict):
        services.version_create(actor=brand_admin, test=test, label="V1")


# --- Invitations --------------------------------------------------------------------------------------
def test_inviting_a_persona_invites_its_members_and_notifies_each_once(
    brand_admin: User,
    builder: Callable[[str], User],
    personas: tuple[Persona, Persona],
    make_test: Callable[..., PrototypeTest],
    django_capture_on_commit_callbacks: Any,
) -> None:
    weekend, _rare = personas
    fans = [builder("Every weekend") for _ in range(3)]
    casual = builder("Rarely")
    test = make_test(status=PrototypeStatus.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(
            actor=brand_admin, test=test, personas=[weekend], emails=[casual.email.upper()]
        )
    invited = set(PrototypeInvitation.objects.values_list("user_id", flat=True))
    assert invited == {u.pk for u in [*fans, casual]}
    assert PrototypeInvitation.objects.get(user=casual).persona is None
    assert set(PrototypeInvitation.objects.exclude(user=casual).values_list("persona", flat=True)) == {
        weekend.pk
    }
    # A draft notifies nobody yet; opening it sends the invitations.
    assert not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.prototype_test_update(actor=brand_admin, test=test, status=PrototypeStatus.OPEN)
    assert Notification.objects.filter(key=f"prototype-invite:{test.pk}", verb="invitation").count() == 4
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(actor=brand_admin, test=test, personas=[weekend])
    assert PrototypeInvitation.objects.count() == 4
    assert Notification.objects.count() == 4
    assert list(test.personas.all()) == [weekend]


def test_an_unknown_address_invites_nobody(
    brand_admin: User, member: User, make_test: Callable[..., PrototypeTest]
) -> None:
    test = make_test()
    with pytest.raises(DomainError, match=r"nobody@example\.com") as err:
        services.invitations_send(actor=brand_admin, test=test, emails=[member.email, "nobody@example.com"])
    assert err.value.field == "emails"
    assert not PrototypeInvitation.objects.exists()


# --- Results ------------------------------------------------------------------------------------------
def test_results_give_distributions_per_version_and_persona_side_by_side(
    brand_admin: User,
    builder: Callable[[str], User],
    personas: tuple[Persona, Persona],
    make_test: Callable[..., PrototypeTest],
) -> None:
    weekend, rare = personas
    test = make_test(personas=[weekend, rare])
    v1, v2 = test.versions.order_by("position")
    fans = [builder("Every weekend") for _ in range(3)]
    casual = [builder("Rarely") for _ in range(2)]
    invite(brand_admin, test, *fans, *casual)
    # v1: fans give ease 2,3,4 ; casual 1,1. v2: fans 5,5,4 ; casual 3 (one casual skips v2).
    for user, ease, intent in zip(fans, [2, 3, 4], [2, 3, 4], strict=True):
        respond(user, v1, {"Ease of use": ease, "Looks": 4}, purchase_intent=intent)
    for user in casual:
        respond(user, v1, {"Ease of use": 1, "Looks": 2}, purchase_intent=1)
    for user, ease in zip(fans, [5, 5, 4], strict=True):
        respond(user, v2, {"Ease of use": ease, "Looks": 5}, purchase_intent=5, answers=[f"Ease {ease}"])
    respond(casual[0], v2, {"Ease of use": 3, "Looks": 3}, purchase_intent=4)

    results = selectors.prototype_results(test)
    r1, r2 = results.versions
    assert (r1.responses, r2.responses) == (5, 4)
    assert r1.criteria[0].distribution.counts == [2, 1, 1, 1, 0]
    assert r1.criteria[0].distribution.mean == 2.2
    assert r2.criteria[0].distribution.counts == [0, 0, 1, 1, 2]
    assert r2.criteria[0].distribution.mean == 4.25
    assert r1.intent.counts == [2, 1, 1, 1, 0] and r1.intent.top2 == 20
    assert r2.intent.counts == [0, 0, 0, 1, 3] and r2.intent.top2 == 100
    assert [a.text for a in r2.answers] == ["Ease 4", "Ease 5", "Ease 5"]  # latest first

    ease_row, looks_row, intent_row, top2_row = results.comparison
    assert (ease_row.label, ease_row.means, ease_row.differences) == ("Ease of use", [2.2, 4.25], [0.0, 2.05])
    assert looks_row.means == [3.2, 4.5]
    assert intent_row.means == [2.2, 4.75] and top2_row.means == [20.0, 100.0]
    assert top2_row.differences == [0.0, 80.0]

    by_persona = {p.persona.name: p for p in results.personas}
    fans_v1, fans_v2 = by_persona["Weekend builders"].versions
    assert fans_v1.responses == 3 and fans_v1.criteria[0].distribution.counts == [0, 1, 1, 1, 0]
    assert fans_v2.criteria[0].distribution.mean == 4.67
    casual_v1, casual_v2 = by_persona["Occasional builders"].versions
    assert casual_v1.criteria[0].distribution.counts == [2, 0, 0, 0, 0]
    assert casual_v2.responses == 1 and casual_v2.intent.top2 == 100

    # Membership is read now: a fan who starts building rarely moves to the other persona.
    fans[0].profile_answers.update(choice="Rarely")
    moved = {p.persona.name: p for p in selectors.prototype_results(test).personas}
    assert moved["Weekend builders"].versions[0].responses == 2
    assert moved["Occasional builders"].versions[0].responses == 3


def test_results_of_a_test_nobody_answered_are_empty_not_errors(
    make_test: Callable[..., PrototypeTest],
) -> None:
    results = selectors.prototype_results(make_test())
    assert [v.responses for v in results.versions] == [0, 0]
    assert results.comparison[0].means == [None, None] and results.comparison[0].differences == [None, None]
    assert results.versions[0].intent.top2 is None
