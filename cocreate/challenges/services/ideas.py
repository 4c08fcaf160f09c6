"""Challenges and ideas: creation, drafts, edits with history, submission, moderation and the lifecycle.

Invariants guarded here:
- every status change goes through `idea_transition`, which checks the move is allowed, records who, when
  and the public message, and sends `idea_status_changed` after commit;
- an idea is public only once published (moderated challenges hold it as `submitted` until a moderator
  approves); publishing starts the first deadline of the challenge's ladder;
- every edit keeps the text as it was before (`IdeaRevision`);
- an invite-only challenge's terms are accepted, version by version, with each submission;
- user text is stored as written and rendered through the sanitizer; images are re-encoded.
"""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image

from cocreate.core.addresses import unique_slug
from cocreate.core.errors import Conflict, DomainError, NotAllowed, validation_error_to_domain
from cocreate.core.images import clean_image
from cocreate.discussions.services import discussion_create
from cocreate.journeys import services as journeys

from .. import events
from ..models import (
    Challenge,
    ChallengeField,
    ChallengeInvite,
    ChallengeTerms,
    Criterion,
    FieldKind,
    Idea,
    IdeaCoCreator,
    IdeaFieldAnswer,
    IdeaImage,
    IdeaRevision,
    IdeaStatus,
    IdeaStatusChange,
    IdeaTermsAcceptance,
    Tag,
    Visibility,
)
from ..policies import (
    can_moderate,
    check_can_edit_idea,
    check_can_manage_challenges,
    check_can_moderate,
    check_can_submit,
)

MAX_IMAGES = 8
MAX_TAGS = 8
MAX_FILE_BYTES = 10 * 1024 * 1024

# The moves the lifecycle allows (the review module moves ideas through review and decision).
TRANSITIONS: dict[str, set[str]] = {
    IdeaStatus.DRAFT: {IdeaStatus.SUBMITTED, IdeaStatus.PUBLISHED, IdeaStatus.WITHDRAWN},
    IdeaStatus.SUBMITTED: {IdeaStatus.PUBLISHED, IdeaStatus.REMOVED, IdeaStatus.WITHDRAWN, IdeaStatus.DRAFT},
    IdeaStatus.PUBLISHED: {
        IdeaStatus.IN_REVIEW,
        IdeaStatus.EXPIRED,
        IdeaStatus.WITHDRAWN,
        IdeaStatus.MERGED,
        IdeaStatus.REMOVED,
    },
    IdeaStatus.IN_REVIEW: {
        IdeaStatus.APPROVED,
        IdeaStatus.NOT_APPROVED,
        IdeaStatus.ON_HOLD,
        IdeaStatus.REMOVED,
    },
    IdeaStatus.ON_HOLD: {IdeaStatus.IN_REVIEW, IdeaStatus.APPROVED, IdeaStatus.NOT_APPROVED},
    IdeaStatus.APPROVED: {IdeaStatus.IN_DEVELOPMENT, IdeaStatus.ON_HOLD},
    IdeaStatus.IN_DEVELOPMENT: {IdeaStatus.LAUNCHED, IdeaStatus.ON_HOLD},
    IdeaStatus.NOT_APPROVED: set(),
    IdeaStatus.LAUNCHED: set(),
    IdeaStatus.EXPIRED: {IdeaStatus.REMOVED},
    IdeaStatus.WITHDRAWN: set(),
    IdeaStatus.MERGED: set(),
    IdeaStatus.REMOVED: {IdeaStatus.PUBLISHED},
}

CHALLENGE_FIELDS = {
    "brief",
    "theme",
    "product",
    "participation_point",
    "visibility",
    "submission_opens",
    "submission_closes",
    "support_closes",
    "review_starts",
    "results_on",
    "moderation_required",
    "allow_self_support",
    "ladder",
    "review_periods_per_year",
    "royalty_rate",
    "prize",
    "contract",
    "survey_enabled",
    "price_bands",
    "audiences",
    "is_default",
}


def _clean(obj: Any, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise validation_error_to_domain(exc) from None


# Words that are page names under /ideas/<id>/ and /challenges/: a slug never takes them.
RESERVED_SLUGS = {
    "new",
    "edit",
    "history",
    "submit",
    "withdraw",
    "moderate",
    "moderation",
    "mine",
    "similar",
    "merge",
    "support",
    "unsupport",
    "review",
    "survey",
    "decide",
}


def _unique_slug(model: type[Any], text: str, **scope: Any) -> str:
    taken = model.objects.filter(**scope)
    return unique_slug(taken, text, fallback="idea", max_length=100, reserved=RESERVED_SLUGS)


# --- Challenges ---------------------------------------------------------------------------------------
def check_ladder(ladder: Any) -> list[dict[str, Any]]:
    if not isinstance(ladder, list) or not ladder:
        raise DomainError(message=_("A ladder needs at least one rung."), field="ladder")
    rungs = []
    for i, rung in enumerate(ladder):
        try:
            at, days = int(rung["at"]), int(rung.get("days", 0))
        except (KeyError, TypeError, ValueError):
            raise DomainError(
                message=_("Each rung needs a support count and a number of days."), field=f"ladder.{i}"
            ) from None
        if at < 0 or days < 0:
            raise DomainError(message=_("Counts and days cannot be negative."), field=f"ladder.{i}")
        rungs.append({"at": at, "days": days, **({"qualifies": True} if rung.get("qualifies") else {})})
    rungs.sort(key=lambda r: r["at"])
    if rungs[0]["at"] != 0:
        raise DomainError(
            message=_("The first rung starts at 0 supports (the first deadline)."), field="ladder"
        )
    if len({r["at"] for r in rungs}) != len(rungs):
        raise DomainError(message=_("Two rungs have the same support count."), field="ladder")
    if any(r.get("qualifies") for r in rungs[:-1]):
        raise DomainError(message=_("Only the last rung can qualify an idea for review."), field="ladder")
    if rungs[0]["days"] < 1:
        raise DomainError(message=_("The first deadline is at least one day."), field="ladder")
    return rungs


def _challenge_save(challenge: Challenge, cover: UploadedFile | None) -> Challenge:
    """The checks and the save that creating and changing a challenge share."""
    if (
        challenge.submission_opens
        and challenge.submission_closes
        and (challenge.submission_closes <= challenge.submission_opens)
    ):
        raise DomainError(message=_("Submissions must close after they open."), field="submission_closes")
    if cover is not None:
        try:
            clean = clean_image(cover, name_prefix="challenge")
        except ValidationError as exc:
            raise validation_error_to_domain(exc, "cover") from None
        challenge.cover.save(clean.name or "cover.png", clean, save=False)
    _clean(challenge, exclude=["created_by", "product", "participation_point"])
    try:
        with transaction.atomic():
            challenge.save()
    except IntegrityError:
        raise Conflict(_("There is already a default ideas challenge."), field="is_default") from None
    return challenge


@transaction.atomic
def challenge_create(
    *, actor: Any, title: str, cover: UploadedFile | None = None, **fields: Any
) -> Challenge:
    """Create a challenge. `actor=None` is the platform itself (the default ideas challenge)."""
    if actor is not None:
        check_can_manage_challenges(actor)
    unknown = set(fields) - CHALLENGE_FIELDS
    if unknown:
        raise DomainError(message=_("Unknown field."), field=sorted(unknown)[0])
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(message=_("A challenge needs a title."), field="title")
    if "ladder" in fields:
        fields["ladder"] = check_ladder(fields["ladder"])
    rate = fields.get("royalty_rate")
    if rate is not None and not (Decimal(0) <= Decimal(str(rate)) <= Decimal("0.5")):
        raise DomainError(message=_("A royalty rate is between 0 and 0.5 (50 %)."), field="royalty_rate")
    challenge = Challenge(
        title=title,
        slug=_unique_slug(Challenge, title),
        created_by=actor,
        **{k: v for k, v in fields.items() if v is not None},
    )
    return _challenge_save(challenge, cover)


def challenge_default() -> Challenge:
    """The always-open "ideas" challenge (LEGO Ideas' own model), created on first use."""
    existing = Challenge.objects.filter(is_default=True).first()
    if existing is not None:
        return existing
    try:
        return challenge_create(
            actor=None,
            title=str(_("Ideas")),
            is_default=True,
            brief=str(
                _("Share the product you wish existed. Ideas that gather enough support are reviewed.")
            ),
        )
    except Conflict:
        return Challenge.objects.get(is_default=True)


@transaction.atomic
def challenge_update(
    *,
    actor: Any,
    challenge: Challenge,
    title: str | None = None,
    cover: UploadedFile | None = None,
    **fields: Any,
) -> Challenge:
    """Change a challenge's settings; the address (slug) stays. The ladder is fixed once ideas have been
    published in the challenge: their deadlines and reached rungs were computed from it."""
    check_can_manage_challenges(actor)
    unknown = set(fields) - CHALLENGE_FIELDS
    if unknown:
        raise DomainError(message=_("Unknown field."), field=sorted(unknown)[0])
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if title is not None:
        title = " ".join(title.split())
        if not title:
            raise DomainError(message=_("A challenge needs a title."), field="title")
        challenge.title = title
    if "ladder" in fields:
        fields["ladder"] = check_ladder(fields["ladder"])
        if (
            fields["ladder"] != check_ladder(challenge.ladder)
            and challenge.ideas.filter(published_at__isnull=False).exists()
        ):
            raise DomainError(
                message=_("Ideas are already gathering support with this ladder: it can no longer change."),
                field="ladder",
            )
    rate = fields.get("royalty_rate")
    if rate is not None and not (Decimal(0) <= Decimal(str(rate)) <= Decimal("0.5")):
        raise DomainError(message=_("A royalty rate is between 0 and 0.5 (50 %)."), field="royalty_rate")
    for name, value in fields.items():
        setattr(challenge, name, value)
    return _challenge_save(challenge, cover)


def _rows_set(model: type[Any], challenge: Challenge, rows: list[dict[str, Any]], field: str) -> None:
    """Make the challenge's criteria or questions exactly `rows`: rows with an `id` are updated in place
    (scores and answers given to them stay attached), rows without are added, and the others deleted."""
    existing = {obj.pk: obj for obj in model.objects.filter(challenge=challenge)}
    keep: list[int] = []
    for position, row in enumerate(rows):
        row = dict(row)
        pk = row.pop("id", None)
        obj = existing.get(pk) if pk else None
        if pk and obj is None:
            raise DomainError(
                message=_("This row belongs to another challenge."), field=f"{field}.{position}"
            )
        obj = obj or model(challenge=challenge)
        for name, value in row.items():
            setattr(obj, name, value)
        obj.position = position
        try:
            obj.full_clean(exclude=["challenge"])
        except ValidationError as exc:
            err = validation_error_to_domain(exc)
            raise DomainError(message=err.message, field=f"{field}.{position}") from None
        obj.save()
        keep.append(obj.pk)
    model.objects.filter(challenge=challenge).exclude(pk__in=keep).delete()


@transaction.atomic
def challenge_criteria_set(*, actor: Any, challenge: Challenge, criteria: list[dict[str, Any]]) -> None:
    """The evaluation criteria, in order: {"id"?, "name", "description", "weight"}."""
    check_can_manage_challenges(actor)
    for i, row in enumerate(criteria):
        if not str(row.get("name") or "").strip():
            raise DomainError(message=_("A criterion needs a name."), field=f"criteria.{i}")
        try:
            weight = Decimal(str(row.get("weight", 1)))
        except (InvalidOperation, ValueError):
            raise DomainError(message=_("A weight is a number."), field=f"criteria.{i}") from None
        if not (Decimal(0) < weight <= Decimal(100)):
            raise DomainError(message=_("A weight is above 0 and at most 100."), field=f"criteria.{i}")
        row["weight"] = weight
    _rows_set(Criterion, challenge, criteria, "criteria")


@transaction.atomic
def challenge_fields_set(*, actor: Any, challenge: Challenge, fields: list[dict[str, Any]]) -> None:
    """The custom questions of the submission form, in order:
    {"id"?, "label", "help_text", "kind", "choices", "required"}."""
    check_can_manage_challenges(actor)
    for i, row in enumerate(fields):
        if not str(row.get("label") or "").strip():
            raise DomainError(message=_("A question needs a label."), field=f"fields.{i}")
        if row.get("kind") not in FieldKind.values:
            raise DomainError(message=_("Choose the kind of answer."), field=f"fields.{i}")
        choices = [str(c).strip()[:200] for c in row.get("choices") or [] if str(c).strip()]
        if row["kind"] == FieldKind.CHOICE and len(choices) < 2:
            raise DomainError(message=_("A choice offers at least two answers."), field=f"fields.{i}")
        row["choices"] = choices if row["kind"] == FieldKind.CHOICE else []
    _rows_set(ChallengeField, challenge, fields, "fields")


@transaction.atomic
def challenge_invites_set(*, actor: Any, challenge: Challenge, users: list[Any]) -> None:
    """Exactly these members are invited (an invitation matters for invite-only challenges)."""
    check_can_manage_challenges(actor)
    ChallengeInvite.objects.filter(challenge=challenge).exclude(user__in=users).delete()
    for user in users:
        ChallengeInvite.objects.get_or_create(challenge=challenge, user=user)


@transaction.atomic
def challenge_terms_publish(*, actor: Any, challenge: Challenge, title: str, body: str) -> ChallengeTerms:
    check_can_manage_challenges(actor)
    if not (title or "").strip() or not (body or "").strip():
        raise DomainError(message=_("Terms need a title and a text."), field="body")
    latest = (
        ChallengeTerms.objects.select_for_update().filter(challenge=challenge).order_by("-version").first()
    )
    return ChallengeTerms.objects.create(
        challenge=challenge,
        version=(latest.version if latest else 0) + 1,
        title=title.strip(),
        body=body.strip(),
    )


# --- Ideas --------------------------------------------------------------------------------------------
def _tags(names: Any) -> list[Tag]:
    if isinstance(names, str):
        names = names.split(",")
    cleaned: dict[str, str] = {}
    for raw in names or []:
        name = " ".join(str(raw).split()).lower()[:40]
        if name:
            cleaned.setdefault(slugify(name) or name, name)
    if len(cleaned) > MAX_TAGS:
        raise DomainError(message=_("At most %(n)s tags.") % {"n": MAX_TAGS}, field="tags")
    tags = []
    for slug, name in cleaned.items():
        tag, _created = Tag.objects.get_or_create(slug=slug[:50], defaults={"name": name})
        tags.append(tag)
    return tags


def _thumbnail(clean: ContentFile) -> ContentFile:
    image: Image.Image = Image.open(io.BytesIO(clean.read()))
    clean.seek(0)
    image.thumbnail((480, 480))
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=80, optimize=True)
    return ContentFile(out.getvalue(), name=f"thumb-{uuid.uuid4().hex[:12]}.jpg")


def _add_images(idea: Idea, images: list[UploadedFile]) -> None:
    existing = idea.images.count()
    if existing + len(images) > MAX_IMAGES:
        raise DomainError(message=_("At most %(n)s images per idea.") % {"n": MAX_IMAGES}, field="images")
    for offset, upload in enumerate(images):
        try:
            clean = clean_image(upload, name_prefix="idea")
        except ValidationError as exc:
            raise validation_error_to_domain(exc, "images") from None
        item = IdeaImage(idea=idea, position=existing + offset)
        item.thumbnail.save(f"t-{clean.name}", _thumbnail(clean), save=False)
        item.image.save(clean.name or "idea.png", clean, save=False)
        item.save()


def _field_answers(idea: Idea, answers: dict[int, Any], *, submitting: bool) -> None:
    fields = {f.pk: f for f in ChallengeField.objects.filter(challenge=idea.challenge)}
    for field_id in answers:
        if field_id not in fields:
            raise DomainError(
                message=_("This question is not part of the challenge."), field=f"field_{field_id}"
            )
    for field in fields.values():
        raw = answers.get(field.pk)
        name = f"field_{field.pk}"
        empty = raw in (None, "", [])
        if empty:
            if submitting and field.required and not idea.field_answers.filter(field=field).exists():
                raise DomainError(message=_("“%(f)s” is required.") % {"f": field.label}, field=name)
            continue
        answer, _created = IdeaFieldAnswer.objects.get_or_create(idea=idea, field=field)
        if field.kind == FieldKind.FILE:
            if not isinstance(raw, UploadedFile):
                raise DomainError(message=_("Attach a file."), field=name)
            if (raw.size or 0) > MAX_FILE_BYTES:
                raise DomainError(message=_("Files are limited to 10 MB."), field=name)
            answer.file.save(f"{uuid.uuid4().hex[:12]}-{slugify(raw.name or 'file')[:40]}", raw, save=False)
            answer.value = {"name": str(raw.name)[:120]}
        elif field.kind == FieldKind.NUMBER:
            try:
                answer.value = str(Decimal(str(raw).strip()))
            except (InvalidOperation, ValueError):
                raise DomainError(message=_("Enter a number."), field=name) from None
        elif field.kind == FieldKind.CHOICE:
            if raw not in field.choices:
                raise DomainError(message=_("Choose one of the answers offered."), field=name)
            answer.value = raw
        else:
            text = str(raw).strip()
            if len(text) > 5000:
                raise DomainError(message=_("At most 5,000 characters."), field=name)
            answer.value = text
        answer.save()


def _set_co_creators(idea: Idea, users: list[Any]) -> None:
    others = [u for u in users if u.pk != idea.author_id]
    if len(others) > 10:
        raise DomainError(message=_("At most 10 co-creators."), field="co_creators")
    IdeaCoCreator.objects.filter(idea=idea).exclude(user__in=others).delete()
    for user in others:
        IdeaCoCreator.objects.get_or_create(idea=idea, user=user)


def _text(title: str, description: str) -> tuple[str, str]:
    title = " ".join((title or "").split())
    description = (description or "").strip()
    if not title:
        raise DomainError(message=_("Give your idea a title."), field="title")
    if len(title) > 120:
        raise DomainError(message=_("A title has at most 120 characters."), field="title")
    if len(description) < 20:
        raise DomainError(
            message=_("Describe your idea in a few sentences (at least 20 characters)."), field="description"
        )
    if len(description) > 20_000:
        raise DomainError(message=_("A description has at most 20,000 characters."), field="description")
    return title, description


@transaction.atomic
def idea_create(
    *,
    actor: Any,
    challenge: Challenge,
    title: str,
    description: str,
    tags: Any = None,
    product: Any = None,
    images: list[UploadedFile] | None = None,
    field_answers: dict[int, Any] | None = None,
    co_creators: list[Any] | None = None,
    accept_terms: ChallengeTerms | None = None,
    submit: bool = True,
    attribution: journeys.Attribution | None = None,
) -> Idea:
    """Create an idea as a draft, and submit it at once unless `submit=False`."""
    check_can_submit(actor, challenge)
    title, description = _text(title, description)
    idea = Idea.objects.create(
        challenge=challenge,
        author=actor,
        title=title,
        slug=_unique_slug(Idea, title, challenge=challenge),
        description=description,
        product=product or challenge.product,
        status=IdeaStatus.DRAFT,
        search_text=f"{title}\n{description}",
    )
    idea.discussion = discussion_create()
    idea.save(update_fields=["discussion"])
    IdeaStatusChange.objects.create(idea=idea, to_status=IdeaStatus.DRAFT, actor=actor)
    idea.tags.set(_tags(tags))
    if images:
        _add_images(idea, images)
    _field_answers(idea, field_answers or {}, submitting=False)
    if co_creators:
        _set_co_creators(idea, co_creators)
    journeys.contribution_record(
        attribution=attribution, kind="idea", user=actor, target=("challenges.idea", idea.pk), title=title
    )
    if submit:
        idea_submit(actor=actor, idea=idea, accept_terms=accept_terms)
    return idea


@transaction.atomic
def idea_update(
    *,
    actor: Any,
    idea: Idea,
    title: str | None = None,
    description: str | None = None,
    tags: Any = None,
    product: Any = None,
    images: list[UploadedFile] | None = None,
    remove_image_ids: list[int] | None = None,
    field_answers: dict[int, Any] | None = None,
    co_creators: list[Any] | None = None,
) -> Idea:
    """Edit an idea; the text as it was is kept in its history."""
    check_can_edit_idea(actor, idea)
    new_title, new_description = _text(
        title if title is not None else idea.title,
        description if description is not None else idea.description,
    )
    if (new_title, new_description) != (idea.title, idea.description):
        IdeaRevision.objects.create(idea=idea, editor=actor, title=idea.title, description=idea.description)
        idea.title, idea.description = new_title, new_description
        idea.search_text = f"{new_title}\n{new_description}"
    if product is not None:
        idea.product = product
    idea.save()
    if tags is not None:
        idea.tags.set(_tags(tags))
    if remove_image_ids:
        idea.images.filter(pk__in=remove_image_ids).delete()
    if images:
        _add_images(idea, images)
    if field_answers:
        _field_answers(idea, field_answers, submitting=False)
    if co_creators is not None:
        _set_co_creators(idea, co_creators)
    return idea


def idea_transition(*, actor: Any, idea: Idea, to_status: str, message: str = "") -> Idea:
    """Move an idea along its lifecycle, recording who, when and the public message."""
    if to_status not in IdeaStatus.values:
        raise DomainError(message=_("Unknown status."), field="status")
    with transaction.atomic():
        locked = Idea.objects.select_for_update().select_related("challenge").get(pk=idea.pk)
        from_status = locked.status
        if to_status not in TRANSITIONS.get(from_status, set()):
            raise DomainError(
                message=_("An idea cannot go from “%(a)s” to “%(b)s”.")
                % {"a": IdeaStatus(from_status).label, "b": IdeaStatus(to_status).label},
                field="status",
                status=409,
            )
        now = timezone.now()
        locked.status = to_status
        fields = ["status", "updated_at"]
        if to_status == IdeaStatus.PUBLISHED and locked.published_at is None:
            first = sorted(locked.challenge.ladder, key=lambda r: int(r["at"]))[0]
            locked.published_at = now
            locked.deadline = now + timedelta(days=int(first.get("days", 60)))
            fields += ["published_at", "deadline"]
        locked.save(update_fields=fields)
        IdeaStatusChange.objects.create(
            idea=locked,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            message=(message or "").strip()[:4000],
        )

        def send() -> None:
            events.idea_status_changed.send(
                sender=Idea,
                idea=locked,
                from_status=from_status,
                to_status=to_status,
                actor=actor,
                message=message,
            )
            if to_status == IdeaStatus.PUBLISHED and from_status != IdeaStatus.REMOVED:
                events.idea_published.send(sender=Idea, idea=locked, actor=actor)

        transaction.on_commit(send)
    for attr in ("status", "published_at", "deadline", "updated_at"):
        setattr(idea, attr, getattr(locked, attr))
    return idea


@transaction.atomic
def idea_submit(*, actor: Any, idea: Idea, accept_terms: ChallengeTerms | None = None) -> Idea:
    """Submit a draft: published at once, or held for moderation when the challenge asks for it."""
    if idea.author_id != actor.pk:
        raise NotAllowed(_("Only the idea's author can submit it."))
    if idea.status != IdeaStatus.DRAFT:
        raise DomainError(message=_("This idea has already been submitted."), status=409)
    challenge = idea.challenge
    check_can_submit(actor, challenge)
    _field_answers(idea, {}, submitting=True)
    if challenge.visibility == Visibility.INVITE:
        current = challenge.terms_versions.order_by("-version").first()
        if current is not None:
            if accept_terms is None or accept_terms.pk != current.pk:
                raise DomainError(
                    message=_("Accept the challenge's terms (version %(v)s) to submit.")
                    % {"v": current.version},
                    field="accept_terms",
                )
            IdeaTermsAcceptance.objects.get_or_create(idea=idea, terms=current, user=actor)
    target = (
        IdeaStatus.SUBMITTED
        if challenge.moderation_required and not can_moderate(actor)
        else IdeaStatus.PUBLISHED
    )
    return idea_transition(actor=actor, idea=idea, to_status=target)


def idea_moderate(*, actor: Any, idea: Idea, approve: bool, message: str = "") -> Idea:
    check_can_moderate(actor)
    target = IdeaStatus.PUBLISHED if approve else IdeaStatus.REMOVED
    if not approve and not (message or "").strip():
        raise DomainError(message=_("Tell the creator why the idea is removed."), field="message")
    return idea_transition(actor=actor, idea=idea, to_status=target, message=message)


def idea_withdraw(*, actor: Any, idea: Idea, message: str = "") -> Idea:
    if idea.author_id != getattr(actor, "pk", None):
        raise NotAllowed(_("Only the idea's author can withdraw it."))
    return idea_transition(actor=actor, idea=idea, to_status=IdeaStatus.WITHDRAWN, message=message)
