"""Who may do what in contests.

Visibility of entries: staff and the contest's jurors always see them; a designer always sees their own;
anyone else sees an entry in an `open` contest at once, and in a `sealed` contest only as it stood at the
end of a round that has closed (everything once the contest is judging or closed). Draft contests are
for staff only.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.accounts.policies import is_staff
from cocreate.core.errors import NotAllowed

from .models import Contest, ContestDesigner, ContestJuror, ContestStatus, DesignerStatus, Entry, Visibility


def _authed(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(getattr(user, "is_active", True))


def can_manage_contests(user: Any) -> bool:
    return is_staff(user)


def check_can_manage_contests(user: Any) -> None:
    if not can_manage_contests(user):
        raise NotAllowed(_("Only staff can manage contests."))


def can_view_contest(user: Any, contest: Contest) -> bool:
    return contest.status != ContestStatus.DRAFT or can_manage_contests(user)


def is_juror(user: Any, contest: Contest) -> bool:
    if not _authed(user):
        return False
    cache = getattr(contest, "_juror_ids", None)
    if cache is None:
        cache = set(ContestJuror.objects.filter(contest=contest).values_list("user_id", flat=True))
        contest._juror_ids = cache  # type: ignore[attr-defined]
    return user.pk in cache


def designer_status(user: Any, contest: Contest) -> str | None:
    if not _authed(user):
        return None
    row = ContestDesigner.objects.filter(contest=contest, user=user).values_list("status", flat=True).first()
    return row


def sees_everything(user: Any, contest: Contest) -> bool:
    """Staff and jurors see every entry and every revision at once."""
    return can_manage_contests(user) or is_juror(user, contest)


def entries_public(contest: Contest) -> bool:
    """Every entry's latest state is public: an open contest, or a sealed one whose rounds are over."""
    return contest.visibility == Visibility.OPEN or contest.status in (
        ContestStatus.JUDGING,
        ContestStatus.CLOSED,
    )


def can_see_entry(user: Any, entry: Entry, *, now: Any = None) -> bool:
    contest = entry.contest
    if not can_view_contest(user, contest):
        return False
    if sees_everything(user, contest) or (_authed(user) and entry.designer_id == user.pk):
        return True
    if entries_public(contest):
        return True
    moment = now or timezone.now()
    return entry.revisions.filter(round__closes_at__lte=moment).exists()


def can_submit(user: Any, contest: Contest) -> bool:
    if not _authed(user):
        return False
    if contest.open_submission:
        return True
    return designer_status(user, contest) == DesignerStatus.ACCEPTED


def check_can_submit(user: Any, contest: Contest) -> None:
    if not _authed(user):
        raise NotAllowed(_("Log in to submit an entry."))
    if not can_submit(user, contest):
        raise NotAllowed(_("This contest takes entries from invited designers only."))


def check_can_score(user: Any, contest: Contest) -> None:
    if not is_juror(user, contest):
        raise NotAllowed(_("Only the contest's jurors score entries."))
