"""Who may do what in talent: staff manage the taxonomy and every opportunity; an idea's author may open
and run a development team for their own idea; members apply to open opportunities."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cocreate.accounts.policies import is_staff
from cocreate.core.errors import NotAllowed

from .models import OpportunityKind


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_manage_taxonomy(user: Any) -> bool:
    return is_staff(user)


def check_can_manage_taxonomy(user: Any) -> None:
    if not can_manage_taxonomy(user):
        raise NotAllowed(_("Only staff can change the skills taxonomy."))


def can_see_staffing(user: Any) -> bool:
    return is_staff(user)


def check_can_edit_own_talent(actor: Any, user: Any) -> None:
    if not _active(actor) or (actor.pk != user.pk and not is_staff(actor)):
        raise NotAllowed(_("You can only change your own skills and availability."))


def check_can_create_opportunity(actor: Any, *, kind: str, idea: Any = None) -> None:
    if not _active(actor):
        raise NotAllowed(_("Log in to open an opportunity."))
    if is_staff(actor):
        return
    if kind == OpportunityKind.IDEA_TEAM and idea is not None and idea.author_id == actor.pk:
        return
    raise NotAllowed(_("Only staff, or an idea's author for its development team, can open an opportunity."))


def can_manage_opportunity(user: Any, opportunity: Any) -> bool:
    return _active(user) and (is_staff(user) or opportunity.owner_id == user.pk)


def check_can_manage_opportunity(user: Any, opportunity: Any) -> None:
    if not can_manage_opportunity(user, opportunity):
        raise NotAllowed(_("Only the opportunity's owner or staff can do that."))


def check_can_apply(user: Any, opportunity: Any) -> None:
    if not _active(user):
        raise NotAllowed(_("Log in to apply."))
    if opportunity.owner_id == user.pk:
        raise NotAllowed(_("You run this opportunity; you cannot apply to it."), field="opportunity")
