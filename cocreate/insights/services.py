"""Writes for prototype tests: tests, versions, invitations and responses.

Invariants guarded here:
- only the brand team creates and changes tests, versions and invitations;
- a test has 1 to 10 distinct rating criteria and at most 5 open questions, and they are locked once a
  response exists (the stored ratings refer to them by position);
- a test opens only with at least one version; responses are taken only while it is open and within
  its dates;
- a member responds once per version, only when invited or when the test is open to all; every rating is
  a whole number from 1 to 5 and a refused response stores nothing;
- uploads are checked by content: images through `core.images.clean_image`, files must really be PDF
  or ZIP (magic bytes, whatever their name says) and under the size cap; links are http(s) only;
- invitations are unique per member and test, and each member is notified once per test (the
  notification key), from a background task so a large persona never slows a request.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.brand.models import Product
from cocreate.core.errors import Conflict, DomainError, FieldError, NotFound, validation_error_to_domain
from cocreate.core.images import clean_image
from cocreate.core.text import plain_text
from cocreate.journeys import services as journey_services
from cocreate.journeys.models import (
    ContributionKind,
    ContributionSource,
    ParticipationPoint,
    Persona,
    PointKind,
    PointStatus,
)
from cocreate.journeys.selectors import persona_members
from cocreate.notifications.models import Verb
from cocreate.notifications.services import notify

from .events import invitations_requested
from .models import (
    PrototypeImage,
    PrototypeInvitation,
    PrototypeRating,
    PrototypeResponse,
    PrototypeStatus,
    PrototypeTest,
    PrototypeVersion,
)
from .policies import check_can_manage_tests, check_can_respond

MAX_CRITERIA = 10
MAX_QUESTIONS = 5
MAX_IMAGES = 6
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ANSWER = 2000
MAX_EMAILS = 200
BATCH = 1000
UNSET: Any = object()

# The file types a version may carry, recognised by their first bytes.
FILE_SIGNATURES = {"pdf": (b"%PDF-",), "zip": (b"PK\x03\x04",)}


# --- Tests --------------------------------------------------------------------------------------------
def _clean_list(values: Any, *, field: str, limit: int, max_len: int, what: str) -> list[str]:
    if isinstance(values, str):
        values = values.splitlines()
    cleaned = [" ".join(str(v).split()) for v in (values or []) if str(v).strip()]
    if len(cleaned) > limit:
        raise DomainError(message=_("At most %(n)s %(what)s.") % {"n": limit, "what": what}, field=field)
    too_long = [v for v in cleaned if len(v) > max_len]
    if too_long:
        raise DomainError(
            message=_("“%(v)s…” is too long: at most %(n)s characters.")
            % {"v": too_long[0][:30], "n": max_len},
            field=field,
        )
    if len({v.casefold() for v in cleaned}) != len(cleaned):
        raise DomainError(message=_("Each of the %(what)s must be different.") % {"what": what}, field=field)
    return cleaned


def _check_point(point: ParticipationPoint | None) -> None:
    if point is not None and point.kind != PointKind.PROTOTYPE:
        raise DomainError(
            message=_("Choose a participation point for prototype feedback (this one is a %(k)s).")
            % {"k": point.get_kind_display()},
            field="point",
        )


def _check_test(test: PrototypeTest) -> None:
    test.title = " ".join((test.title or "").split())
    if not test.title:
        raise DomainError(message=_("A prototype test needs a title."), field="title")
    if len(test.title) > 160:
        raise DomainError(message=_("A title has at most 160 characters."), field="title")
    if test.status not in PrototypeStatus.values:
        raise DomainError(message=_("Unknown status."), field="status")
    if len(test.description or "") > 20000:
        raise DomainError(message=_("The description has at most 20,000 characters."), field="description")
    if test.opens_on and test.closes_on and test.closes_on < test.opens_on:
        raise DomainError(message=_("The closing date is before the opening date."), field="closes_on")
    if not test.criteria:
        raise DomainError(
            message=_("Give at least one criterion to rate, e.g. “Ease of use”."), field="criteria"
        )
    _check_point(test.point)


def _criteria(values: Any) -> list[str]:
    return _clean_list(values, field="criteria", limit=MAX_CRITERIA, max_len=80, what=_("criteria"))


def _questions(values: Any) -> list[str]:
    return _clean_list(values, field="questions", limit=MAX_QUESTIONS, max_len=300, what=_("open questions"))


def _check_personas(personas: Sequence[Persona]) -> None:
    if len(personas) > 50:
        raise DomainError(message=_("Too many personas."), field="personas")


def _check_can_open(test: PrototypeTest) -> None:
    if test.status == PrototypeStatus.OPEN and (test.pk is None or not test.versions.exists()):
        raise DomainError(message=_("Add a version before opening the test."), field="status")


@transaction.atomic
def prototype_test_create(
    *,
    actor: Any,
    title: str,
    criteria: Iterable[str],
    description: str = "",
    questions: Iterable[str] = (),
    product: Product | None = None,
    point: ParticipationPoint | None = None,
    status: str = PrototypeStatus.DRAFT,
    opens_on: date | None = None,
    closes_on: date | None = None,
    ask_purchase_intent: bool = True,
    open_to_all: bool = False,
    personas: Sequence[Persona] = (),
) -> PrototypeTest:
    check_can_manage_tests(actor)
    test = PrototypeTest(
        title=title,
        description=(description or "").strip(),
        product=product,
        point=point,
        status=status,
        opens_on=opens_on,
        closes_on=closes_on,
        criteria=_criteria(criteria),
        questions=_questions(questions),
        ask_purchase_intent=bool(ask_purchase_intent),
        open_to_all=bool(open_to_all),
        created_by=actor,
    )
    _check_test(test)
    _check_personas(personas)
    _check_can_open(test)
    test.save()
    if personas:
        test.personas.set(personas)
    return test


TEST_FIELDS = {
    "title",
    "description",
    "product",
    "point",
    "status",
    "opens_on",
    "closes_on",
    "criteria",
    "questions",
    "ask_purchase_intent",
    "open_to_all",
}


@transaction.atomic
def prototype_test_update(
    *, actor: Any, test: PrototypeTest, personas: Sequence[Persona] | None = None, **fields: Any
) -> PrototypeTest:
    """Change a test. Fields left out stay as they are; `product=None` or `point=None` removes them."""
    check_can_manage_tests(actor)
    unknown = sorted(set(fields) - TEST_FIELDS)
    if unknown:
        raise DomainError(message=_("Unknown field %(f)s.") % {"f": unknown[0]}, field=unknown[0])
    locked = PrototypeTest.objects.select_for_update().get(pk=test.pk)
    was_open = locked.status == PrototypeStatus.OPEN
    answered = locked.responses.exists()
    if "criteria" in fields:
        criteria = _criteria(fields.pop("criteria"))
        if answered and criteria != locked.criteria:
            raise Conflict(
                _("Members have already rated these criteria: they can no longer change."), "criteria"
            )
        locked.criteria = criteria
    if "questions" in fields:
        questions = _questions(fields.pop("questions"))
        if answered and questions != locked.questions:
            raise Conflict(
                _("Members have already answered these questions: they can no longer change."), "questions"
            )
        locked.questions = questions
    if "ask_purchase_intent" in fields:
        ask = bool(fields.pop("ask_purchase_intent"))
        if answered and ask != locked.ask_purchase_intent:
            raise Conflict(
                _("Members have already responded: the purchase-intent question can no longer change."),
                "ask_purchase_intent",
            )
        locked.ask_purchase_intent = ask
    for key, value in fields.items():
        if key == "description":
            value = (value or "").strip()
        elif key == "open_to_all":
            value = bool(value)
        setattr(locked, key, value)
    _check_test(locked)
    _check_can_open(locked)
    if personas is not None:
        _check_personas(personas)
    locked.save()
    if personas is not None:
        locked.personas.set(personas)
    if locked.status == PrototypeStatus.OPEN and not was_open:
        # Invitations made while it was a draft are sent now.
        test_id = locked.pk
        transaction.on_commit(
            lambda: invitations_requested.send(sender=PrototypeTest, test_id=test_id, persona_ids=[])
        )
    for name in TEST_FIELDS | {"criteria", "questions"}:
        setattr(test, name, getattr(locked, name))
    test.updated_at = locked.updated_at
    return test


# --- Versions -----------------------------------------------------------------------------------------
def _check_link(link: str) -> str:
    link = (link or "").strip()
    if not link:
        return ""
    parts = urlsplit(link)
    if parts.scheme not in ("http", "https"):
        raise DomainError(message=_("A link must start with http:// or https://."), field="link")
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError:
        raise DomainError(message=_("Enter a valid web address."), field="link") from None
    if len(link) > 500:
        raise DomainError(message=_("A link has at most 500 characters."), field="link")
    return link


def _safe_name(name: str) -> str:
    base = os.path.basename(name or "")
    base = re.sub(r"[^\w.\- ]+", "", base).strip() or "file"
    return base[:200]


def clean_prototype_file(upload: UploadedFile) -> tuple[ContentFile, str]:
    """A PDF or ZIP, recognised by its bytes; a name claiming one type over the bytes of another is refused.
    Returns the file to store (under a fresh name) and the original name for display."""
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        raise DomainError(
            message=_("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1_048_576, 1), "limit": MAX_FILE_BYTES // 1_048_576},
            field="file",
        )
    upload.seek(0)
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise DomainError(
            message=_("The file is larger than %(limit)s MB.") % {"limit": MAX_FILE_BYTES // 1_048_576},
            field="file",
        )
    kind = next((k for k, sigs in FILE_SIGNATURES.items() if data.startswith(sigs)), None)
    if kind is None:
        raise DomainError(message=_("Upload a PDF or a ZIP file; this file is neither."), field="file")
    name = _safe_name(upload.name or "")
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    if ext in FILE_SIGNATURES and ext != kind:
        raise DomainError(
            message=_("This file is named .%(ext)s but its content is a %(kind)s: it is refused.")
            % {"ext": ext, "kind": kind.upper()},
            field="file",
        )
    if kind == "zip":
        try:
            with zipfile.ZipFile(ContentFile(data)) as archive:
                archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            raise DomainError(message=_("This ZIP file is damaged."), field="file") from None
    elif b"%%EOF" not in data[-2048:]:
        raise DomainError(message=_("This PDF file is incomplete or damaged."), field="file")
    if ext != kind:
        name = f"{name}.{kind}"
    stored = ContentFile(data, name=f"prototype-{timezone.now():%Y%m%d%H%M%S}.{kind}")
    return stored, name


def _add_images(version: PrototypeVersion, images: Sequence[UploadedFile], alts: Sequence[str]) -> None:
    if not images:
        return
    existing = version.images.count()
    if existing + len(images) > MAX_IMAGES:
        raise DomainError(
            message=_("A version shows at most %(n)s pictures.") % {"n": MAX_IMAGES}, field="images"
        )
    for i, upload in enumerate(images):
        try:
            clean = clean_image(upload, max_side=1600, name_prefix="prototype")
        except ValidationError as exc:
            raise validation_error_to_domain(exc, "images") from None
        alt = " ".join(str(alts[i]).split())[:200] if i < len(alts) else ""
        picture = PrototypeImage(
            version=version, alt=alt or f"{version.label} ({existing + i + 1})", position=existing + i
        )
        picture.image.save(clean.name or "prototype.png", clean, save=False)
        picture.save()


def _check_label(test: PrototypeTest, label: str, exclude: int | None = None) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise DomainError(message=_("Give the version a label, e.g. “v1”."), field="label")
    if len(label) > 40:
        raise DomainError(message=_("A label has at most 40 characters."), field="label")
    clash = test.versions.filter(label__iexact=label)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise Conflict(_("This test already has a version “%(l)s”.") % {"l": label}, field="label")
    return label


@transaction.atomic
def version_create(
    *,
    actor: Any,
    test: PrototypeTest,
    label: str,
    description: str = "",
    link: str = "",
    images: Sequence[UploadedFile] = (),
    image_alts: Sequence[str] = (),
    file: UploadedFile | None = None,
) -> PrototypeVersion:
    check_can_manage_tests(actor)
    PrototypeTest.objects.select_for_update().filter(pk=test.pk).first()
    if test.versions.count() >= 10:
        raise DomainError(message=_("A test compares at most 10 versions."), field="label")
    version = PrototypeVersion(
        test=test,
        label=_check_label(test, label),
        description=(description or "").strip()[:10000],
        link=_check_link(link),
        position=test.versions.count() + 1,
    )
    if file is not None:
        stored, name = clean_prototype_file(file)
        version.file.save(stored.name or "prototype.bin", stored, save=False)
        version.file_name = name
    version.save()
    _add_images(version, images, image_alts)
    return version


@transaction.atomic
def version_update(
    *,
    actor: Any,
    version: PrototypeVersion,
    label: str | None = None,
    description: str | None = None,
    link: str | None = None,
    images: Sequence[UploadedFile] = (),
    image_alts: Sequence[str] = (),
    remove_image_ids: Iterable[int] = (),
    file: UploadedFile | None = None,
    remove_file: bool = False,
) -> PrototypeVersion:
    check_can_manage_tests(actor)
    old_files: list[Any] = []
    if label is not None:
        version.label = _check_label(version.test, label, exclude=version.pk)
    if description is not None:
        version.description = description.strip()[:10000]
    if link is not None:
        version.link = _check_link(link)
    if file is not None:
        stored, name = clean_prototype_file(file)
        if version.file:
            old_files.append(version.file.name)
        version.file.save(stored.name or "prototype.bin", stored, save=False)
        version.file_name = name
    elif remove_file and version.file:
        old_files.append(version.file.name)
        version.file = None  # type: ignore[assignment]
        version.file_name = ""
    removed = list(version.images.filter(pk__in=list(remove_image_ids)))
    for picture in removed:
        old_files.append(picture.image.name)
        picture.delete()
    version.save()
    _add_images(version, images, image_alts)
    storage = version.file.storage

    def _delete_old() -> None:
        for name in old_files:
            if name:
                storage.delete(name)

    # The replaced files go once the new state is committed, never before.
    transaction.on_commit(_delete_old)
    return version


# --- Invitations --------------------------------------------------------------------------------------
@dataclass
class InviteResult:
    invited: int = 0
    already: int = 0
    personas: list[Persona] = field(default_factory=list)


@transaction.atomic
def invitations_send(
    *,
    actor: Any,
    test: PrototypeTest,
    personas: Sequence[Persona] = (),
    emails: Iterable[str] = (),
) -> InviteResult:
    """Invite members by hand (their email addresses) and every member of some personas. Hand-picked
    invitations are written now; persona members are invited by a background task. Notifications go out
    once the test is open."""
    check_can_manage_tests(actor)
    if test.status == PrototypeStatus.CLOSED:
        raise DomainError(message=_("This test is closed: reopen it to invite more members."), status=409)
    wanted = list(dict.fromkeys(e.strip().lower() for e in emails if e and e.strip()))
    if len(wanted) > MAX_EMAILS:
        raise DomainError(message=_("At most %(n)s addresses at a time.") % {"n": MAX_EMAILS}, field="emails")
    if not wanted and not personas:
        raise DomainError(message=_("Choose a persona or give members' email addresses."), field="personas")
    User = get_user_model()
    found = {u.email.lower(): u for u in User.objects.filter(email__in=wanted, is_active=True)}
    if len(found) < len(wanted):
        # Case-insensitive second look for addresses stored with capitals.
        for address in [e for e in wanted if e not in found]:
            user = User.objects.with_email(address).filter(is_active=True).first()
            if user is not None:
                found[address] = user
    unknown = [e for e in wanted if e not in found]
    if unknown:
        raise DomainError(
            message=_("No member has the address %(e)s.") % {"e": ", ".join(unknown[:5])}, field="emails"
        )
    result = InviteResult(personas=list(personas))
    if found:
        before = test.invitations.filter(user__in=list(found.values())).count()
        PrototypeInvitation.objects.bulk_create(
            [PrototypeInvitation(test=test, user=u, invited_by=actor) for u in found.values()],
            ignore_conflicts=True,
        )
        result.already = before
        result.invited = len(found) - before
    if personas:
        test.personas.add(*personas)
    test_id, persona_ids = test.pk, [p.pk for p in personas]
    transaction.on_commit(
        lambda: invitations_requested.send(sender=PrototypeTest, test_id=test_id, persona_ids=persona_ids)
    )
    return result


def invitations_expand(*, test_id: int, persona_ids: Sequence[int]) -> int:
    """Invite the current members of the personas, a batch at a time. Idempotent: members already invited
    are skipped by the unique constraint. Returns how many rows were offered."""
    test = PrototypeTest.objects.filter(pk=test_id).first()
    if test is None or test.status == PrototypeStatus.CLOSED:
        return 0
    offered = 0
    for persona in Persona.objects.filter(pk__in=list(persona_ids)):
        batch: list[PrototypeInvitation] = []
        for user_id in (
            persona_members(persona).values_list("pk", flat=True).order_by("pk").iterator(chunk_size=BATCH)
        ):
            batch.append(
                PrototypeInvitation(test=test, user_id=user_id, persona=persona, invited_by=test.created_by)
            )
            if len(batch) >= BATCH:
                PrototypeInvitation.objects.bulk_create(batch, ignore_conflicts=True)
                offered += len(batch)
                batch = []
        if batch:
            PrototypeInvitation.objects.bulk_create(batch, ignore_conflicts=True)
            offered += len(batch)
    return offered


def invitations_notify(*, test_id: int) -> int:
    """Notify invited members not notified yet, if the test is open. Each member gets the notification
    once (its key names the test), however often this runs."""
    test = PrototypeTest.objects.filter(pk=test_id, status=PrototypeStatus.OPEN).first()
    if test is None:
        return 0
    url = reverse("insights:test-detail", args=[test.pk])
    title = _("You are invited to test “%(t)s”") % {"t": test.title}
    body = plain_text(test.description, 300)
    sent = 0
    while True:
        rows = list(
            PrototypeInvitation.objects.filter(test=test, notified_at__isnull=True)
            .order_by("id")
            .values_list("id", "user_id")[:BATCH]
        )
        if not rows:
            return sent
        notify(
            user_ids=[u for _i, u in rows],
            verb=Verb.INVITATION,
            key=f"prototype-invite:{test.pk}",
            title=title,
            body=body,
            url=url,
        )
        PrototypeInvitation.objects.filter(pk__in=[i for i, _u in rows]).update(notified_at=timezone.now())
        sent += len(rows)


# --- Responses ----------------------------------------------------------------------------------------
def prototype_test_accepting(test: PrototypeTest, today: date | None = None) -> None:
    """Raise unless the test takes responses now."""
    today = today or timezone.localdate()
    if test.status != PrototypeStatus.OPEN:
        raise DomainError(message=_("This prototype test is not open for responses."), status=409)
    if test.opens_on and today < test.opens_on:
        raise DomainError(
            message=_("This test opens on %(d)s.") % {"d": test.opens_on.isoformat()}, status=409
        )
    if test.closes_on and today > test.closes_on:
        raise DomainError(
            message=_("This test closed on %(d)s.") % {"d": test.closes_on.isoformat()}, status=409
        )


def _score(raw: Any) -> int | None:
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int):
        return raw
    text = str(raw).strip()
    if re.fullmatch(r"-?\d{1,6}", text):
        return int(text)
    return None


def _parse_ratings(test: PrototypeTest, ratings: Mapping[Any, Any], errors: list[FieldError]) -> list[int]:
    names = list(test.criteria)
    by_name: dict[str, Any] = {}
    for key, value in (ratings or {}).items():
        if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
            index = int(key)
            if not 0 <= index < len(names):
                errors.append(FieldError(field=f"ratings.{key}", message=_("There is no such criterion.")))
                continue
            by_name[names[index]] = value
        elif key in names:
            by_name[key] = value
        else:
            errors.append(
                FieldError(
                    field=f"ratings.{key}", message=_("“%(c)s” is not a criterion of this test.") % {"c": key}
                )
            )
    scores: list[int] = []
    for name in names:
        raw = by_name.get(name)
        score = _score(raw)
        if raw in (None, ""):
            errors.append(
                FieldError(field=f"ratings.{name}", message=_("Rate “%(c)s” from 1 to 5.") % {"c": name})
            )
        elif score is None or not 1 <= score <= 5:
            errors.append(
                FieldError(
                    field=f"ratings.{name}",
                    message=_("“%(c)s” is rated from 1 to 5; %(v)s is not.")
                    % {"c": name, "v": str(raw)[:20]},
                )
            )
        else:
            scores.append(score)
    return scores


def _parse_answers(test: PrototypeTest, answers: Sequence[Any], errors: list[FieldError]) -> list[str]:
    answers = list(answers or [])
    if len(answers) > len(test.questions):
        errors.append(
            FieldError(
                field="answers",
                message=_("This test asks %(n)s open questions.") % {"n": len(test.questions)},
            )
        )
        return []
    cleaned = []
    for i, question in enumerate(test.questions):
        text = str(answers[i] if i < len(answers) and answers[i] is not None else "").strip()
        if len(text) > MAX_ANSWER:
            errors.append(
                FieldError(
                    field=f"answers.{i}",
                    message=_("Answer “%(q)s” in at most %(n)s characters.")
                    % {"q": question[:60], "n": MAX_ANSWER},
                )
            )
        cleaned.append(text)
    return cleaned if any(cleaned) else []


def _parse_intent(test: PrototypeTest, raw: Any, errors: list[FieldError]) -> int | None:
    if not test.ask_purchase_intent:
        if raw not in (None, ""):
            errors.append(
                FieldError(field="purchase_intent", message=_("This test does not ask about buying."))
            )
        return None
    value = _score(raw)
    if raw in (None, ""):
        errors.append(FieldError(field="purchase_intent", message=_("Say how likely you are to buy it.")))
    elif value is None or not 1 <= value <= 5:
        errors.append(
            FieldError(
                field="purchase_intent",
                message=_(
                    "Purchase intent runs from 1 (definitely not) to 5 (definitely); "
                    "%(v)s is not on the scale."
                )
                % {"v": str(raw)[:20]},
            )
        )
    return value


@transaction.atomic
def response_submit(
    *,
    actor: Any,
    version: PrototypeVersion,
    ratings: Mapping[Any, Any],
    answers: Sequence[Any] = (),
    purchase_intent: Any = None,
    attribution: journey_services.Attribution | None = None,
) -> PrototypeResponse:
    """A member's response to one version: a 1–5 score per criterion, open answers, purchase intent."""
    test = version.test
    check_can_respond(actor, test)
    prototype_test_accepting(test)
    errors: list[FieldError] = []
    scores = _parse_ratings(test, ratings, errors)
    cleaned_answers = _parse_answers(test, answers, errors)
    intent = _parse_intent(test, purchase_intent, errors)
    if errors:
        raise DomainError(message=errors[0].message, field=errors[0].field, errors=errors)
    if PrototypeResponse.objects.filter(version=version, user=actor).exists():
        raise Conflict(_("You already responded to %(v)s. Thank you!") % {"v": version.label})
    try:
        with transaction.atomic():
            response = PrototypeResponse.objects.create(
                test=test, version=version, user=actor, answers=cleaned_answers, purchase_intent=intent
            )
    except IntegrityError:  # two quick clicks: the first one counts
        raise Conflict(_("You already responded to %(v)s. Thank you!") % {"v": version.label}) from None
    PrototypeRating.objects.bulk_create(
        [
            PrototypeRating(response=response, version=version, criterion=i, score=s)
            for i, s in enumerate(scores)
        ]
    )
    PrototypeInvitation.objects.filter(test=test, user=actor, responded_at__isnull=True).update(
        responded_at=response.created_at
    )
    point = test.point if test.point_id is not None else None
    if attribution is None and point is not None and point.status == PointStatus.OPEN:
        # Without a tracked link, the response still counts for the point the test belongs to.
        attribution = journey_services.Attribution(
            point=point, touchpoint=point.touchpoint, source=ContributionSource.SITE
        )
    journey_services.contribution_record(
        attribution=attribution,
        kind=ContributionKind.RATING,
        user=actor,
        target=("insights.prototyperesponse", response.pk),
        title=f"{test.title} · {version.label}",
        rating=round(sum(scores) / len(scores)) if scores else None,
    )
    return response


def version_get_for_response(*, test: PrototypeTest, version_id: Any) -> PrototypeVersion:
    try:
        pk = int(version_id)
    except (TypeError, ValueError):
        raise NotFound(_("No such version of this test."), field="version_id") from None
    version = test.versions.filter(pk=pk).first()
    if version is None:
        raise NotFound(_("No such version of this test."), field="version_id")
    version.test = test
    return version
