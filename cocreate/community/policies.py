"""Who may do what in the community. Roles live here only (through `accounts.policies`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cocreate.accounts.policies import is_admin, is_brand_team, is_staff
from cocreate.core.errors import NotAllowed, NotFound

from .models import Board, Thread


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(getattr(user, "is_active", True))


def is_board_moderator(user: Any, board: Board) -> bool:
    """Staff moderate every board; a member named moderator of a board moderates that board."""
    if is_staff(user):
        return True
    if not _authenticated(user):
        return False
    return board.moderators.filter(pk=user.pk).exists()


def can_view_thread(user: Any, thread: Thread) -> bool:
    if thread.deleted_at is not None:
        return is_staff(user)
    if thread.hidden_at is not None:
        # The author sees what was hidden, and the board's moderators can show it again.
        return (_authenticated(user) and thread.author_id == user.pk) or is_board_moderator(
            user, thread.board
        )
    return True


def check_can_view_thread(user: Any, thread: Thread) -> None:
    # A thread the viewer may not see is answered as if it did not exist.
    if not can_view_thread(user, thread):
        raise NotFound(_("No such thread."), field="thread")


def check_can_post(user: Any, board: Board) -> None:
    if not _authenticated(user):
        raise NotAllowed(_("Log in to post."))
    if board.archived and not is_staff(user):
        raise NotAllowed(_("This board is archived; it takes no new posts."))


def check_can_edit_thread(user: Any, thread: Thread) -> None:
    if not _authenticated(user):
        raise NotAllowed(_("Log in first."))
    if thread.author_id != user.pk and not is_board_moderator(user, thread.board):
        raise NotAllowed(_("Only the author or a moderator can change this post."))


def check_can_delete_thread(user: Any, thread: Thread) -> None:
    if not _authenticated(user):
        raise NotAllowed(_("Log in first."))
    if thread.author_id != user.pk and not is_board_moderator(user, thread.board):
        raise NotAllowed(_("Only the author or a moderator can delete this post."))


def check_can_reply(user: Any, thread: Thread) -> None:
    """Replies: any member who can see the thread, while it is neither removed nor in an archived board."""
    if not _authenticated(user):
        raise NotAllowed(_("Log in to reply."))
    check_can_view_thread(user, thread)
    if thread.is_removed:
        raise NotAllowed(_("This post was removed; it takes no replies."), field="body")
    if thread.board.archived and not is_staff(user):
        raise NotAllowed(_("This board is archived; it takes no new posts."), field="body")


def check_can_moderate_board(user: Any, board: Board) -> None:
    if not is_board_moderator(user, board):
        raise NotAllowed(_("Only the board's moderators can do this."))


def check_can_accept_answer(user: Any, thread: Thread) -> None:
    if not _authenticated(user) or (
        thread.author_id != user.pk and not is_board_moderator(user, thread.board)
    ):
        raise NotAllowed(_("Only the person who asked or a moderator can accept an answer."))


def can_manage_boards(user: Any) -> bool:
    """Creating boards and naming their moderators: the brand team."""
    return is_brand_team(user)


def check_can_manage_boards(user: Any) -> None:
    if not can_manage_boards(user):
        raise NotAllowed(_("Only administrators and analysts can create or change boards."))


def can_triage(user: Any) -> bool:
    """The triage inbox, internal notes, labels and statuses: staff."""
    return is_staff(user)


def check_can_triage(user: Any) -> None:
    if not can_triage(user):
        raise NotAllowed(_("Only staff can triage feedback."))


def can_manage_themes(user: Any) -> bool:
    return is_staff(user)


def check_can_manage_themes(user: Any) -> None:
    if not can_manage_themes(user):
        raise NotAllowed(_("Only staff can change themes."))


def can_publish_improvements(user: Any) -> bool:
    return is_staff(user)


def check_can_publish_improvements(user: Any) -> None:
    if not can_publish_improvements(user):
        raise NotAllowed(_("Only staff can record improvements."))


def can_manage_teams(user: Any) -> bool:
    return is_admin(user)


def check_can_manage_teams(user: Any) -> None:
    if not can_manage_teams(user):
        raise NotAllowed(_("Only administrators can change triage teams and product areas."))
