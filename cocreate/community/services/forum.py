"""Writes for the forum.

Invariants guarded here:
- a thread's opening post is the thread row; its replies live in the conversation engine (`discussions`),
  created with the thread in one transaction;
- a product review carries 1–5 stars and a product, one per member per product (a partial unique
  constraint; a second attempt is answered 409 and changes nothing);
- feedback kinds (suggestion, bug, review, question) enter the triage inbox with status "new";
- board counters (`thread_count`, `post_count`, `last_activity_at`) change only by UPDATE … F() in the
  transaction of the post;
- posting is rate-limited per member (threads per minute and per hour), text is bounded (20,000
  characters) and stored as written: it is rendered through the markdown allow-list on the way out;
- `thread_posted` is sent after commit; sentiment and the nearest theme are found by a task then;
- a reply is a discussions comment posted in the same transaction as the thread's `last_activity_at` and
  the board's `post_count`; a locked thread (its discussion locked) takes no reply and nothing changes;
- deleting (author) and hiding (moderators) are soft: the row stays, the board's `thread_count` counts
  visible threads only (conditional UPDATEs, so repeating either changes nothing), and a deleted review
  frees its member's one review of the product;
- an accepted answer is a visible reply in the same question thread; `answer_accepted` is sent after commit;
- attachments are checked by content, never by name: images are re-encoded from pixels, PDFs and UTF-8
  text are kept as sent, anything else (or a file whose name or declared type claims another kind) is
  refused before anything is written.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from cocreate.core import ratelimit
from cocreate.core.addresses import unique_slug
from cocreate.core.errors import DomainError, NotFound
from cocreate.core.images import clean_image
from cocreate.discussions import services as discussions
from cocreate.discussions.models import Comment, Discussion
from cocreate.journeys import services as journeys

from .. import events
from ..models import (
    FEEDBACK_KINDS,
    Attachment,
    Board,
    FeedbackStatus,
    ForumTag,
    Theme,
    Thread,
    ThreadKind,
    ThreadRead,
)
from ..policies import (
    check_can_accept_answer,
    check_can_delete_thread,
    check_can_edit_thread,
    check_can_manage_boards,
    check_can_moderate_board,
    check_can_post,
    check_can_reply,
)

MAX_TITLE = 160
MAX_BODY = 20_000

# The journey contribution kind each post kind records.
_CONTRIBUTION_KIND = {
    ThreadKind.DISCUSSION: "post",
    ThreadKind.QUESTION: "post",
    ThreadKind.SUGGESTION: "suggestion",
    ThreadKind.BUG: "suggestion",
    ThreadKind.REVIEW: "review",
}


def clean_title(title: str) -> str:
    text = " ".join((title or "").replace("\x00", "").split())
    if len(text) < 3:
        raise DomainError(message=_("Give your post a title of at least 3 characters."), field="title")
    if len(text) > MAX_TITLE:
        raise DomainError(message=_("A title has at most 160 characters."), field="title")
    return text


def clean_body(body: str) -> str:
    text = (body or "").replace("\x00", "").strip()
    if not text:
        raise DomainError(message=_("Write something first."), field="body")
    if len(text) > MAX_BODY:
        raise DomainError(message=_("A post has at most 20,000 characters."), field="body", status=413)
    return text


def rate_limit_posts(actor: Any) -> None:
    """Threads per member: a burst limit per minute and a flood limit per hour (shared cache)."""
    per_minute = int(getattr(settings, "COCREATE_THREADS_PER_MINUTE", 3))
    per_hour = int(getattr(settings, "COCREATE_THREADS_PER_HOUR", 30))
    key = str(actor.pk)
    if not ratelimit.hit("thread-min", key, limit=per_minute, window_seconds=60) or not ratelimit.hit(
        "thread-hour", key, limit=per_hour, window_seconds=3600
    ):
        raise DomainError(
            message=_("You are posting very fast; wait a little and try again."), field="body", status=429
        )


def thread_create(
    *,
    actor: Any,
    board: Board,
    kind: str,
    title: str,
    body: str,
    product: Any = None,
    rating: int | None = None,
    tags: Sequence[Any] | None = None,
    attribution: Any = None,
    rate_limited: bool = True,
    attachments: Sequence[Any] | None = None,
) -> Thread:
    """Open a thread. `product` defaults to the board's; a review needs a product and 1–5 stars.
    `tags` are ForumTag rows or names; `attachments` uploads, all checked before anything is written."""
    check_can_post(actor, board)
    if kind not in ThreadKind.values:
        raise DomainError(message=_("Choose what kind of post this is."), field="kind")
    title_text = clean_title(title)
    text = clean_body(body)
    product = product if product is not None else board.product
    if kind == ThreadKind.REVIEW:
        if product is None:
            raise DomainError(message=_("Choose the product you are reviewing."), field="product")
        if rating is None or not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
            raise DomainError(message=_("Give the product from 1 to 5 stars."), field="rating")
        if Thread.objects.filter(
            author=actor, product=product, kind=ThreadKind.REVIEW, deleted_at__isnull=True
        ).exists():
            raise _already_reviewed()
    else:
        rating = None
    tag_names = clean_tags(tags)
    files = clean_attachments(attachments)
    if rate_limited:
        rate_limit_posts(actor)
    now = timezone.now()
    try:
        with transaction.atomic():
            thread = Thread.objects.create(
                board=board,
                author=actor,
                kind=kind,
                title=title_text,
                body=text,
                product=product,
                rating=rating,
                discussion=discussions.discussion_create(),
                last_activity_at=now,
                in_triage=kind in FEEDBACK_KINDS,
                status=FeedbackStatus.NEW,
            )
            if tag_names:
                thread.tags.set(_tag_rows(tag_names))
            _store_attachments(files, thread=thread, comment=None, uploader=actor)
            Board.objects.filter(pk=board.pk).update(
                thread_count=F("thread_count") + 1, post_count=F("post_count") + 1, last_activity_at=now
            )
            journeys.contribution_record(
                attribution=attribution,
                kind=_CONTRIBUTION_KIND[ThreadKind(kind)],
                user=actor,
                target=("community.thread", thread.pk),
                title=title_text,
                rating=rating,
            )
            transaction.on_commit(lambda: events.thread_posted.send(sender=Thread, thread=thread))
    except IntegrityError as exc:
        # Two reviews sent at the same moment: the partial unique constraint keeps one.
        if kind == ThreadKind.REVIEW:
            raise _already_reviewed() from exc
        raise
    return thread


def _already_reviewed() -> DomainError:
    return DomainError(
        message=_("You have already reviewed this product; edit your review instead."),
        field="product",
        status=409,
    )


# --- Tags -----------------------------------------------------------------------------------------------
MAX_TAGS = 5
MAX_TAG_LENGTH = 40


def clean_tags(tags: Iterable[Any] | str | None) -> list[str]:
    """Tag names from rows, names or one comma-separated string; at most five, each 2–40 characters."""
    if not tags:
        return []
    items = tags.split(",") if isinstance(tags, str) else list(tags)
    names: dict[str, str] = {}
    for item in items:
        name = item.name if isinstance(item, ForumTag) else " ".join(str(item).replace("\x00", "").split())
        name = name.lstrip("#")
        if not name:
            continue
        slug = slugify(name)
        if len(name) > MAX_TAG_LENGTH or len(slug) < 2:
            raise DomainError(message=_("A tag has 2 to 40 letters or digits."), field="tags")
        names.setdefault(slug, name)
    if len(names) > MAX_TAGS:
        raise DomainError(message=_("Use at most 5 tags."), field="tags")
    return list(names.values())


def _tag_rows(names: list[str]) -> list[ForumTag]:
    rows = []
    for name in names:
        slug = slugify(name)[:50]
        tag = ForumTag.objects.filter(slug=slug).first()
        if tag is None:
            try:
                with transaction.atomic():
                    tag = ForumTag.objects.create(name=name[:MAX_TAG_LENGTH], slug=slug)
            except IntegrityError:  # created a moment ago by another post
                tag = ForumTag.objects.get(slug=slug)
        rows.append(tag)
    return rows


# --- Attachments ------------------------------------------------------------------------------------------
MAX_ATTACHMENTS = 5
# What each kind of content may be called; a name claiming another kind is a file lying about its type.
_IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "webp"}
_PDF_EXTENSIONS = {"pdf"}
_TEXT_EXTENSIONS = {"txt", "md", "log", "csv"}
_TEXT_TYPES = {"text/plain", "text/markdown", "text/csv", "text/x-log", "application/octet-stream", ""}


@dataclass
class CleanFile:
    content: ContentFile
    name: str
    content_type: str
    is_image: bool


def _max_attachment_bytes() -> int:
    return int(getattr(settings, "COCREATE_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024))


def _refuse(message: str) -> DomainError:
    return DomainError(message=message, field="attachments")


def _display_name(raw: str) -> str:
    name = (raw or "").replace("\x00", "").replace("/", "_").replace("\\", "_").strip()
    name = "".join(ch for ch in name if ch.isprintable()) or "file"
    return name[-120:]


def _looks_like_image(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            return probe.format is not None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False


def _clean_one(upload: Any) -> CleanFile:
    name = _display_name(getattr(upload, "name", "") or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    limit = _max_attachment_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _refuse(
            _("“%(name)s” is %(size)s MB; the limit is %(limit)s MB.")
            % {"name": name, "size": round(size / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)}
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(_("“%(name)s” is larger than the allowed size.") % {"name": name})
    if not data:
        raise _refuse(_("“%(name)s” is empty.") % {"name": name})
    claims_image = ext in _IMAGE_EXTENSIONS or declared.startswith("image/")
    claims_pdf = ext in _PDF_EXTENSIONS or declared == "application/pdf"
    if claims_image or _looks_like_image(data):
        if not claims_image or claims_pdf or ext in _TEXT_EXTENSIONS:
            raise _refuse(_("“%(name)s” is an image but its name says otherwise.") % {"name": name})
        try:
            content = clean_image(SimpleUploadedFile(name, data), name_prefix="forum")
        except ValidationError as exc:
            raise _refuse(
                _("“%(name)s” is not an image we can read: %(reason)s")
                % {"name": name, "reason": " ".join(exc.messages)}
            ) from None
        ext_out = content.name.rsplit(".", 1)[-1] if content.name else "png"
        mime = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(ext_out, "image/png")
        stem = name.rsplit(".", 1)[0] if "." in name else name
        return CleanFile(content=content, name=f"{stem}.{ext_out}", content_type=mime, is_image=True)
    if data.startswith(b"%PDF-"):
        if not claims_pdf or declared not in ("application/pdf", "application/octet-stream", ""):
            raise _refuse(_("“%(name)s” is a PDF but its name says otherwise.") % {"name": name})
        return CleanFile(
            content=ContentFile(data, name=f"forum-{uuid.uuid4().hex[:12]}.pdf"),
            name=name,
            content_type="application/pdf",
            is_image=False,
        )
    if claims_pdf:
        raise _refuse(_("“%(name)s” is called a PDF but is not one.") % {"name": name})
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        raise _refuse(
            _("“%(name)s” is not a file we accept: attach images (JPEG, PNG, WebP, GIF), PDFs or plain text.")
            % {"name": name}
        )
    if ext not in _TEXT_EXTENSIONS or declared not in _TEXT_TYPES:
        raise _refuse(_("“%(name)s” is plain text; give it a .txt, .md, .csv or .log name.") % {"name": name})
    return CleanFile(
        content=ContentFile(data, name=f"forum-{uuid.uuid4().hex[:12]}.txt"),
        name=name,
        content_type="text/plain",
        is_image=False,
    )


def clean_attachments(uploads: Sequence[Any] | None) -> list[CleanFile]:
    """Check every upload; the first one refused stops the whole post (nothing is written)."""
    files = [u for u in (uploads or []) if u is not None]
    if len(files) > MAX_ATTACHMENTS:
        raise _refuse(_("Attach at most %(n)s files to one post.") % {"n": MAX_ATTACHMENTS})
    return [_clean_one(upload) for upload in files]


def _store_attachments(
    files: list[CleanFile], *, thread: Thread, comment: Comment | None, uploader: Any
) -> None:
    for item in files:
        attachment = Attachment(
            thread=thread,
            comment=comment,
            uploader=uploader,
            name=item.name,
            content_type=item.content_type,
            size=item.content.size,
            is_image=item.is_image,
        )
        attachment.file.save(item.content.name or "forum-file", item.content, save=False)
        attachment.save()


# --- Boards -----------------------------------------------------------------------------------------------
# First path segments of the other community pages (/community/<segment>/): never a board's address.
RESERVED_SLUGS = frozenset(
    {
        "t",
        "new",
        "manage",
        "attachments",
        "changelog",
        "inbox",
        "themes",
        "triage",
        "improvements",
        "prototypes",
        "polls",
        "teams",
        "saved-replies",
        "reviews",
        "search",
    }
)
_BOARD_FIELDS = {"name", "description", "product", "moderators", "position", "archived"}


def _clean_board_name(name: str) -> str:
    text = " ".join((name or "").replace("\x00", "").split())
    if len(text) < 2:
        raise DomainError(message=_("Give the board a name of at least 2 characters."), field="name")
    if len(text) > 120:
        raise DomainError(message=_("A board's name has at most 120 characters."), field="name")
    if not slugify(text):
        raise DomainError(message=_("Use some letters or digits in the board's name."), field="name")
    return text


def _clean_description(description: str) -> str:
    text = (description or "").replace("\x00", "").strip()
    if len(text) > 5000:
        raise DomainError(message=_("A description has at most 5,000 characters."), field="description")
    return text


def _clean_moderators(moderators: Iterable[Any]) -> list[Any]:
    User = get_user_model()
    ids = [m.pk if hasattr(m, "pk") else m for m in moderators]
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise DomainError(message=_("Name moderators by member."), field="moderators")
    found = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(found) != len(set(ids)):
        raise DomainError(message=_("One of the moderators is not an active member."), field="moderators")
    return found


def _clean_position(position: Any) -> int:
    if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position <= 10_000:
        raise DomainError(message=_("The position is a whole number from 0 to 10,000."), field="position")
    return position


def _unique_slug(name: str) -> str:
    return unique_slug(Board.objects.all(), name, fallback="board", max_length=120, reserved=RESERVED_SLUGS)


def board_create(
    *,
    actor: Any,
    name: str,
    description: str = "",
    product: Any = None,
    moderators: Iterable[Any] = (),
    position: int = 0,
) -> Board:
    check_can_manage_boards(actor)
    clean_name = _clean_board_name(name)
    text = _clean_description(description)
    people = _clean_moderators(moderators)
    position = _clean_position(position)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                board = Board.objects.create(
                    name=clean_name,
                    slug=_unique_slug(clean_name),
                    description=text,
                    product=product,
                    position=position,
                )
                board.moderators.set(people)
                return board
        except IntegrityError:  # the same name created at the same moment: take the next address
            continue
    raise DomainError(
        message=_("A board with this name is being created; try again."), field="name", status=409
    )


def board_update(*, actor: Any, board: Board, **fields: Any) -> Board:
    """Change name, description, product, moderators, position or archived; the address stays."""
    check_can_manage_boards(actor)
    unknown = set(fields) - _BOARD_FIELDS
    if unknown:
        raise DomainError(message=_("These cannot be changed here."), field=sorted(unknown)[0])
    changes: dict[str, Any] = {}
    if "name" in fields:
        changes["name"] = _clean_board_name(fields["name"])
    if "description" in fields:
        changes["description"] = _clean_description(fields["description"])
    if "product" in fields:
        changes["product"] = fields["product"]
    if "position" in fields:
        changes["position"] = _clean_position(fields["position"])
    if "archived" in fields:
        changes["archived"] = bool(fields["archived"])
    people = _clean_moderators(fields["moderators"]) if "moderators" in fields else None
    with transaction.atomic():
        for key, value in changes.items():
            setattr(board, key, value)
        if changes:
            board.save(update_fields=list(changes))
        if people is not None:
            board.moderators.set(people)
    return board


# --- Thread changes ---------------------------------------------------------------------------------------
def _fresh(thread: Thread) -> Thread:
    """The thread's row, locked for the change (two moderators at once apply one after the other)."""
    return Thread.objects.select_for_update().select_related("board").get(pk=thread.pk)


def thread_edit(
    *,
    actor: Any,
    thread: Thread,
    title: str | None = None,
    body: str | None = None,
    tags: Sequence[Any] | str | None = None,
    rating: int | None = None,
) -> Thread:
    """The author or a board moderator changes the post. The text is stored as written (markdown);
    a review's stars may change, other kinds carry none."""
    check_can_edit_thread(actor, thread)
    if thread.deleted_at is not None:
        raise DomainError(message=_("This post was deleted."), status=409)
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = clean_title(title)
    if body is not None:
        changes["body"] = clean_body(body)
    if rating is not None:
        if thread.kind != ThreadKind.REVIEW:
            raise DomainError(message=_("Only a product review has stars."), field="rating")
        if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
            raise DomainError(message=_("Give the product from 1 to 5 stars."), field="rating")
        changes["rating"] = rating
    tag_names = clean_tags(tags) if tags is not None else None
    with transaction.atomic():
        row = _fresh(thread)
        changes = {k: v for k, v in changes.items() if getattr(row, k) != v}
        if changes or tag_names is not None:
            for key, value in changes.items():
                setattr(thread, key, value)
            if changes:
                thread.edited_at = timezone.now()
                Thread.objects.filter(pk=thread.pk).update(edited_at=thread.edited_at, **changes)
            if tag_names is not None:
                thread.tags.set(_tag_rows(tag_names))
    return thread


def reply_removed(*, comment: Any) -> None:
    """A reply deleted or hidden in the conversation engine no longer counts on its board (whose visible
    threads' posts the board counts)."""
    Board.objects.filter(
        threads__discussion_id=comment.discussion_id,
        threads__hidden_at__isnull=True,
        threads__deleted_at__isnull=True,
        post_count__gt=0,
    ).update(post_count=F("post_count") - 1)


def _visible_change(thread: Thread, *, was_visible: bool, now_visible: bool) -> None:
    """Keep the board's thread count to visible threads (and their opening posts to its post count), and
    a theme's size to its visible posts."""
    if was_visible == now_visible:
        return
    posts = 1 + thread.discussion.comment_count if thread.discussion_id else 1
    if thread.theme_id:
        themes = Theme.objects.filter(pk=thread.theme_id)
        if now_visible:
            themes.update(size=F("size") + 1)
        else:
            themes.filter(size__gt=0).update(size=F("size") - 1)
    if now_visible:
        Board.objects.filter(pk=thread.board_id).update(
            thread_count=F("thread_count") + 1, post_count=F("post_count") + posts
        )
    else:
        Board.objects.filter(pk=thread.board_id, thread_count__gt=0).update(
            thread_count=F("thread_count") - 1
        )
        Board.objects.filter(pk=thread.board_id, post_count__gte=posts).update(
            post_count=F("post_count") - posts
        )


def thread_delete(*, actor: Any, thread: Thread) -> Thread:
    """Soft delete by the author (or a moderator): gone for others; a deleted review frees the place."""
    check_can_delete_thread(actor, thread)
    now = timezone.now()
    with transaction.atomic():
        row = _fresh(thread)
        if row.deleted_at is None:
            Thread.objects.filter(pk=row.pk).update(deleted_at=now)
            _visible_change(row, was_visible=row.hidden_at is None, now_visible=False)
            journeys.contribution_withdraw(target=("community.thread", row.pk), user=row.author)
            thread.deleted_at = now
    return thread


def thread_hide(*, actor: Any, thread: Thread, hidden: bool) -> Thread:
    check_can_moderate_board(actor, thread.board)
    with transaction.atomic():
        row = _fresh(thread)
        if (row.hidden_at is not None) != hidden:
            at = timezone.now() if hidden else None
            Thread.objects.filter(pk=row.pk).update(hidden_at=at)
            if row.deleted_at is None:
                _visible_change(row, was_visible=row.hidden_at is None, now_visible=not hidden)
            thread.hidden_at = at
    return thread


def thread_pin(*, actor: Any, thread: Thread, pinned: bool) -> Thread:
    check_can_moderate_board(actor, thread.board)
    Thread.objects.filter(pk=thread.pk).update(pinned=bool(pinned))
    thread.pinned = bool(pinned)
    return thread


def thread_lock(*, actor: Any, thread: Thread, locked: bool) -> Thread:
    """Locking is the discussion's lock: the engine refuses every reply while it holds."""
    check_can_moderate_board(actor, thread.board)
    discussions.discussion_lock(actor=actor, discussion=thread.discussion, locked=bool(locked))
    return thread


# --- Replies ----------------------------------------------------------------------------------------------
def reply_post(
    *,
    actor: Any,
    thread: Thread,
    body: str,
    parent: Comment | None = None,
    attachments: Sequence[Any] | None = None,
    attribution: Any = None,
) -> Comment:
    """A reply in the thread's discussion, with the thread's and the board's activity in one transaction."""
    check_can_reply(actor, thread)
    text = (body or "").replace("\x00", "").strip()
    if len(text) > discussions.MAX_BODY:
        raise DomainError(message=_("A reply has at most 10,000 characters."), field="body", status=413)
    if thread.discussion.locked:
        raise _locked()
    files = clean_attachments(attachments)
    now = timezone.now()
    with transaction.atomic():
        try:
            comment = discussions.comment_post(
                actor=actor, discussion=thread.discussion, body=text, parent=parent
            )
        except DomainError as exc:
            if exc.status == 409:  # locked a moment ago
                raise _locked() from exc
            raise
        Thread.objects.filter(pk=thread.pk).update(last_activity_at=now)
        Board.objects.filter(pk=thread.board_id).update(post_count=F("post_count") + 1, last_activity_at=now)
        _store_attachments(files, thread=thread, comment=comment, uploader=actor)
        journeys.contribution_record(
            attribution=attribution,
            kind="comment",
            user=actor,
            target=("community.thread", thread.pk),
            title=thread.title,
            body=text,
        )
    thread.last_activity_at = now
    return comment


def _locked() -> DomainError:
    return DomainError(message=_("This thread is locked: it takes no new replies."), field="body", status=409)


def answer_accept(*, actor: Any, thread: Thread, comment: Comment | None) -> Thread:
    """Mark the reply that answers a question (`comment=None` takes the mark back)."""
    check_can_accept_answer(actor, thread)
    if thread.kind != ThreadKind.QUESTION:
        raise DomainError(message=_("Only a question has an accepted answer."), field="comment")
    if comment is not None:
        if comment.discussion_id != thread.discussion_id:
            raise NotFound(_("No such reply in this thread."), field="comment")
        if comment.is_removed:
            raise DomainError(message=_("This reply was removed."), field="comment", status=409)
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(accepted_answer=comment)
        thread.accepted_answer = comment
        if comment is not None:
            transaction.on_commit(
                lambda: events.answer_accepted.send(sender=Thread, thread=thread, comment=comment)
            )
    return thread


def thread_mark_read(*, user: Any, thread: Thread) -> None:
    """Remember how many replies the member has seen (an upsert; visitors leave no trace)."""
    if not getattr(user, "is_authenticated", False):
        return
    # The replies the member was shown: the count loaded with the page, or the current one.
    if Thread.discussion.is_cached(thread):
        count = thread.discussion.comment_count
    else:
        count = (
            Discussion.objects.filter(pk=thread.discussion_id).values_list("comment_count", flat=True).first()
            or 0
        )
    now = timezone.now()
    updated = ThreadRead.objects.filter(user=user, thread=thread).update(read_at=now, read_count=count)
    if not updated:
        ThreadRead.objects.bulk_create(
            [ThreadRead(user=user, thread=thread, read_at=now, read_count=count)], ignore_conflicts=True
        )
