"""Points and rewards.

Invariants guarded here:
- the ledger is append-only: an entry is never edited or deleted; an undone action gets a reversal entry
  (negative, pointing at the original), and an entry is reversed at most once (unique constraint);
- an action earns once per source (unique per member, action and source), even after a reversal, so
  undoing and redoing an action never pays twice;
- `PointBalance.balance` is the sum of the member's entries: it changes only by `UPDATE … F()` in the
  same transaction as the entry it reflects;
- every ledger write of one member first locks that member's balance row, so daily caps, per-member
  limits and the "enough points" check cannot be raced past;
- a redemption never oversells: stock drops by `UPDATE … SET stock = stock - 1 WHERE stock > 0` and a
  discount code is claimed under a row lock, all in the redemption's transaction, or nothing happens;
- a redemption never takes a balance below zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.core.errors import Conflict, DomainError, NotFound

from .models import (
    EARNING_ACTIONS,
    Action,
    Badge,
    BadgeAward,
    BadgeCriterion,
    PointBalance,
    PointEntry,
    PointRule,
    Redemption,
    Reward,
    RewardCode,
    RewardKind,
)
from .policies import check_can_manage_rewards, check_can_redeem

MAX_CODES = 10_000
MAX_POINTS = 1_000_000


def _lock_balance(user_id: int) -> PointBalance:
    """Create the member's balance row if needed and lock it for the rest of the transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO rewards_pointbalance (user_id, balance, earned) VALUES (%s, 0, 0) "
            "ON CONFLICT (user_id) DO NOTHING",
            [user_id],
        )
    return PointBalance.objects.select_for_update().get(user_id=user_id)


def _book(user_id: int, amount: int, *, earned: bool) -> None:
    changes: dict[str, Any] = {"balance": F("balance") + amount}
    if earned:
        changes["earned"] = F("earned") + amount
    PointBalance.objects.filter(user_id=user_id).update(**changes)


def _start_of_today() -> datetime:
    now = timezone.localtime()
    return timezone.make_aware(datetime.combine(now.date(), time.min), now.tzinfo)


def _check_badges(user_id: int) -> None:
    owned = BadgeAward.objects.filter(user_id=user_id).values_list("badge_id", flat=True)
    pending = list(Badge.objects.exclude(pk__in=owned))
    if not pending:
        return
    earned = PointBalance.objects.filter(user_id=user_id).values_list("earned", flat=True).first() or 0
    counted = {b.action for b in pending if b.criterion == BadgeCriterion.ACTION_COUNT}
    counts = dict(
        PointEntry.objects.filter(user_id=user_id, action__in=counted, reversals__isnull=True)
        .values_list("action")
        .annotate(n=Count("id"))
        .values_list("action", "n")
    )
    won = [
        BadgeAward(user_id=user_id, badge=badge)
        for badge in pending
        if (badge.criterion == BadgeCriterion.POINTS_EARNED and earned >= badge.threshold)
        or (badge.criterion == BadgeCriterion.ACTION_COUNT and counts.get(badge.action, 0) >= badge.threshold)
    ]
    BadgeAward.objects.bulk_create(won, ignore_conflicts=True)


def award(*, user: Any, action: str, source: str, note: str = "") -> PointEntry | None:
    """Pay `user` for `action` on `source` by the staff's rule. Returns the entry, or None when nothing is
    due: no active rule, already paid for this source, or the daily cap reached. Beyond the cap nothing is
    written: a zero entry would fill the history with noise and the ledger records points, not activity."""
    if action not in EARNING_ACTIONS:
        raise DomainError(message=_("This action does not earn points."), field="action")
    rule = PointRule.objects.filter(action=action, active=True).first()
    if rule is None or rule.points == 0:
        return None
    with transaction.atomic():
        _lock_balance(user.pk)
        if PointEntry.objects.filter(user_id=user.pk, action=action, source=source).exists():
            return None
        amount = rule.points
        if rule.daily_cap:
            today = (
                PointEntry.objects.filter(
                    user_id=user.pk, action=action, created_at__gte=_start_of_today()
                ).aggregate(total=Sum("amount"))["total"]
                or 0
            )
            amount = min(amount, rule.daily_cap - today)
            if amount <= 0:
                return None
        entry = PointEntry.objects.create(
            user_id=user.pk, amount=amount, action=action, source=source, note=note
        )
        _book(user.pk, amount, earned=True)
        _check_badges(user.pk)
    return entry


def reverse(*, action: str, source: str, user: Any = None, note: str = "") -> list[PointEntry]:
    """Take back what `action` on `source` earned (the action was undone or removed by moderation).
    Reversing twice, or reversing what never earned, changes nothing."""
    if action not in EARNING_ACTIONS:
        raise DomainError(message=_("Only earned points can be reversed."), field="action")
    originals = PointEntry.objects.filter(action=action, source=source, reversals__isnull=True)
    if user is not None:
        originals = originals.filter(user_id=user.pk)
    made: list[PointEntry] = []
    for original in list(originals):
        with transaction.atomic():
            _lock_balance(original.user_id)
            if PointEntry.objects.filter(reverses=original).exists():
                continue
            made.append(
                PointEntry.objects.create(
                    user_id=original.user_id,
                    amount=-original.amount,
                    action=Action.REVERSAL,
                    source=original.source,
                    reverses=original,
                    note=note,
                )
            )
            _book(original.user_id, -original.amount, earned=True)
    return made


def redeem(*, actor: Any, reward: Reward) -> Redemption:
    """Spend points on a reward: all of it (stock, code, ledger, balance) or nothing."""
    check_can_redeem(actor)
    with transaction.atomic():
        current = Reward.objects.filter(pk=reward.pk, active=True).first()
        if current is None:
            raise NotFound(_("This reward is no longer offered."), field="reward")
        balance = _lock_balance(actor.pk)
        if current.per_member_limit:
            taken = Redemption.objects.filter(user_id=actor.pk, reward_id=current.pk).count()
            if taken >= current.per_member_limit:
                raise Conflict(
                    _("You have already redeemed this reward %(n)d time(s), the most allowed per member.")
                    % {"n": taken},
                    field="reward",
                )
        if balance.balance < current.cost:
            raise Conflict(
                _("This reward costs %(cost)d points; you have %(have)d.")
                % {"cost": current.cost, "have": balance.balance},
                field="reward",
            )
        if current.stock is not None:
            taken_unit = Reward.objects.filter(pk=current.pk, stock__gt=0).update(stock=F("stock") - 1)
            if taken_unit == 0:
                raise Conflict(_("This reward is out of stock."), field="reward")
        code = ""
        if current.kind == RewardKind.DISCOUNT_CODE:
            codes = RewardCode.objects.filter(reward_id=current.pk, redeemed_by__isnull=True).order_by("id")
            if connection.features.has_select_for_update_skip_locked:
                codes = codes.select_for_update(skip_locked=True)
            claimed = codes.first()
            if claimed is None:
                raise Conflict(_("This reward is out of stock."), field="reward")
            RewardCode.objects.filter(pk=claimed.pk).update(redeemed_by=actor.pk)
            code = claimed.code
        redemption = Redemption.objects.create(
            user_id=actor.pk, reward=current, points=current.cost, code=code
        )
        PointEntry.objects.create(
            user_id=actor.pk,
            amount=-current.cost,
            action=Action.REDEMPTION,
            source=f"redemption:{redemption.pk}",
            note=current.title[:300],
        )
        _book(actor.pk, -current.cost, earned=False)
    return redemption


def rule_set(*, actor: Any, action: str, points: int, daily_cap: int = 0, active: bool = True) -> PointRule:
    check_can_manage_rewards(actor)
    if action not in EARNING_ACTIONS:
        raise DomainError(message=_("Choose an action that earns points."), field="action")
    if not 0 <= points <= MAX_POINTS:
        raise DomainError(
            message=_("Points must be between 0 and %(n)d.") % {"n": MAX_POINTS}, field="points"
        )
    if not 0 <= daily_cap <= MAX_POINTS:
        raise DomainError(
            message=_("The daily cap must be between 0 (none) and %(n)d.") % {"n": MAX_POINTS},
            field="daily_cap",
        )
    with transaction.atomic():
        rule, _created = PointRule.objects.update_or_create(
            action=action, defaults={"points": points, "daily_cap": daily_cap, "active": active}
        )
    return rule


def rules_set(*, actor: Any, rules: Iterable[dict[str, Any]]) -> list[PointRule]:
    """Set several rules at once: all of them or, when one is refused, none."""
    check_can_manage_rewards(actor)
    with transaction.atomic():
        return [rule_set(actor=actor, **rule) for rule in rules]


def reward_create(
    *,
    actor: Any,
    title: str,
    kind: str,
    cost: int,
    description: str = "",
    stock: int | None = None,
    per_member_limit: int = 1,
    codes: Iterable[str] = (),
) -> Reward:
    """Add a reward to the catalogue. A discount code reward holds exactly as many units as codes."""
    check_can_manage_rewards(actor)
    title = title.strip()
    if not title:
        raise DomainError(message=_("Give the reward a title."), field="title")
    if kind not in RewardKind.values:
        raise DomainError(message=_("Choose a kind of reward."), field="kind")
    if not 1 <= cost <= MAX_POINTS:
        raise DomainError(
            message=_("The cost must be between 1 and %(n)d points.") % {"n": MAX_POINTS}, field="cost"
        )
    if stock is not None and stock < 0:
        raise DomainError(message=_("Stock cannot be negative."), field="stock")
    if per_member_limit < 0:
        raise DomainError(message=_("The limit cannot be negative."), field="per_member_limit")
    clean_codes = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    if kind == RewardKind.DISCOUNT_CODE:
        if not clean_codes:
            raise DomainError(
                message=_("A discount code reward needs its codes, one per line."), field="codes"
            )
        if len(clean_codes) > MAX_CODES or any(len(c) > 80 for c in clean_codes):
            raise DomainError(
                message=_("At most %(n)d codes of up to 80 characters.") % {"n": MAX_CODES}, field="codes"
            )
        stock = len(clean_codes)
    elif clean_codes:
        raise DomainError(message=_("Only discount code rewards take codes."), field="codes")
    with transaction.atomic():
        reward = Reward.objects.create(
            title=title[:160],
            description=description,
            kind=kind,
            cost=cost,
            stock=stock,
            per_member_limit=per_member_limit,
        )
        RewardCode.objects.bulk_create([RewardCode(reward=reward, code=c) for c in clean_codes])
    return reward


def reward_set_active(*, actor: Any, reward: Reward, active: bool) -> Reward:
    check_can_manage_rewards(actor)
    Reward.objects.filter(pk=reward.pk).update(active=active)
    reward.active = active
    return reward
