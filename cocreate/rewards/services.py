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
  discount code is claimed under a row lock (skipping codes other redemptions hold), all in the
  redemption's transaction, or nothing happens;
- a redemption never takes a balance below zero, nor does a staff adjustment; adjustments are entries
  too (with the reason and the staff member who made them), never an edited balance;
- a badge is awarded at most once per member (unique constraint), so awarding it again — on the next
  entry or when a new or changed badge is backfilled over everyone who already qualifies — is harmless;
- only active levels count, and no two active levels start at the same number of points.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.core.addresses import unique_slug
from cocreate.core.errors import Conflict, DomainError, NotAllowed, NotFound

from .models import (
    EARNING_ACTIONS,
    Action,
    Badge,
    BadgeAward,
    BadgeCriterion,
    Level,
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
# One adjustment corrects a mistake or pays a one-off bonus; a bigger figure is more likely a typo.
MAX_ADJUSTMENT = 100_000
_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


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


def _check_badges(user_id: int, *, earned: int, action: str = "") -> None:
    """Award the badges the member's latest entry may have earned: the points-earned badges, and the
    count badges of `action`. Other count badges cannot have changed, and every badge created, changed or
    brought back is backfilled over all members (`badge_backfill`), so nothing is missed by looking only
    here. `earned` is the member's new total, read under the balance lock by the caller."""
    owned = BadgeAward.objects.filter(user_id=user_id).values_list("badge_id", flat=True)
    pending = [
        badge
        for badge in Badge.objects.filter(active=True).exclude(pk__in=owned)
        if badge.criterion == BadgeCriterion.POINTS_EARNED or (action and badge.action == action)
    ]
    if not pending:
        return
    count = 0
    if any(b.criterion == BadgeCriterion.ACTION_COUNT for b in pending):
        count = PointEntry.objects.filter(user_id=user_id, action=action, reversals__isnull=True).count()
    won = [
        BadgeAward(user_id=user_id, badge=badge)
        for badge in pending
        if (badge.criterion == BadgeCriterion.POINTS_EARNED and earned >= badge.threshold)
        or (badge.criterion == BadgeCriterion.ACTION_COUNT and count >= badge.threshold)
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
        balance = _lock_balance(user.pk)
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
        _check_badges(user.pk, earned=balance.earned + amount, action=action)
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
        if current.stock == 0:
            # Read without a lock: a cheap early answer; the guarded UPDATE below is the one that counts.
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
        # The unit is taken last: every redemption of this reward queues on the reward's row lock from
        # this UPDATE until its commit, so the shorter that stretch, the more redemptions per second.
        if current.stock is not None:
            taken_unit = Reward.objects.filter(pk=current.pk, stock__gt=0).update(stock=F("stock") - 1)
            if taken_unit == 0:
                raise Conflict(_("This reward is out of stock."), field="reward")
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


# --- Staff adjustments ---------------------------------------------------------------------------------
def points_adjust(*, actor: Any, user: Any, points: int, reason: str, key: str | None = None) -> PointEntry:
    """Add (or take away) `points` for `user` by hand, with the reason shown in their history.

    `key` makes a retried request harmless: the same key for the same member returns the entry it already
    made instead of adjusting twice. Taking points away never takes the balance below zero. Adjustments
    count as points earned (levels and badges follow them): a bonus is earned, a correction un-earns."""
    check_can_manage_rewards(actor)
    if user is None or getattr(user, "pk", None) is None:
        raise NotFound(_("No such member."), field="user")
    if user.pk == actor.pk:
        raise NotAllowed(_("Staff cannot adjust their own points."), field="user")
    if isinstance(points, bool) or not isinstance(points, int) or points == 0:
        raise DomainError(message=_("Enter a number of points other than zero."), field="points")
    if abs(points) > MAX_ADJUSTMENT:
        raise DomainError(
            message=_("An adjustment is at most %(n)d points either way.") % {"n": MAX_ADJUSTMENT},
            field="points",
        )
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(message=_("Give the reason; the member sees it in their history."), field="reason")
    if len(reason) > 300:
        raise DomainError(message=_("Keep the reason under 300 characters."), field="reason")
    if key is not None and not _KEY.match(key):
        raise DomainError(message=_("The request key is not valid."), field="key")
    source = f"adjustment:{key or uuid.uuid4().hex}"
    with transaction.atomic():
        balance = _lock_balance(user.pk)
        done = PointEntry.objects.filter(user_id=user.pk, action=Action.ADJUSTMENT, source=source).first()
        if done is not None:
            return done
        if balance.balance + points < 0:
            raise Conflict(
                _("This would take the balance below zero: the member has %(have)d points.")
                % {"have": balance.balance},
                field="points",
            )
        entry = PointEntry.objects.create(
            user_id=user.pk,
            amount=points,
            action=Action.ADJUSTMENT,
            source=source,
            note=reason,
            actor_id=actor.pk,
        )
        _book(user.pk, points, earned=True)
        if points > 0:
            _check_badges(user.pk, earned=balance.earned + points)
    return entry


# --- Levels --------------------------------------------------------------------------------------------
def _level_values(name: str, min_points: int) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(message=_("Give the level a name."), field="name")
    if len(name) > 80:
        raise DomainError(message=_("Keep the name under 80 characters."), field="name")
    if not 0 <= min_points <= MAX_POINTS:
        raise DomainError(
            message=_("The threshold must be between 0 and %(n)d points.") % {"n": MAX_POINTS},
            field="min_points",
        )
    return name


def _level_save(level: Level) -> Level:
    clash = Level.objects.filter(active=True, min_points=level.min_points).exclude(pk=level.pk)
    if level.active and clash.exists():
        raise Conflict(
            _("Another level already starts at %(n)d points.") % {"n": level.min_points}, field="min_points"
        )
    try:
        with transaction.atomic():
            level.save()
    except IntegrityError:
        # Two staff saving the same threshold at once: the partial unique index decides.
        raise Conflict(
            _("Another level already starts at %(n)d points.") % {"n": level.min_points}, field="min_points"
        ) from None
    return level


def level_create(*, actor: Any, name: str, min_points: int) -> Level:
    check_can_manage_rewards(actor)
    name = _level_values(name, min_points)
    return _level_save(Level(name=name, min_points=min_points))


def level_update(*, actor: Any, level: Level, name: str, min_points: int) -> Level:
    check_can_manage_rewards(actor)
    name = _level_values(name, min_points)
    level.name, level.min_points = name, min_points
    return _level_save(level)


def level_set_active(*, actor: Any, level: Level, active: bool) -> Level:
    check_can_manage_rewards(actor)
    level.active = active
    return _level_save(level)


# --- Badges --------------------------------------------------------------------------------------------
def _badge_values(
    *, name: str, description: str, criterion: str, action: str, threshold: int
) -> tuple[str, str, str]:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(message=_("Give the badge a name."), field="name")
    if len(name) > 80:
        raise DomainError(message=_("Keep the name under 80 characters."), field="name")
    description = " ".join((description or "").split())
    if len(description) > 300:
        raise DomainError(message=_("Keep the description under 300 characters."), field="description")
    if criterion not in BadgeCriterion.values:
        raise DomainError(message=_("Choose what the badge is for."), field="criterion")
    if criterion == BadgeCriterion.ACTION_COUNT:
        if action not in EARNING_ACTIONS:
            raise DomainError(message=_("Choose the action to count."), field="action")
    else:
        action = ""
    if not 1 <= threshold <= MAX_POINTS:
        raise DomainError(
            message=_("The threshold must be between 1 and %(n)d.") % {"n": MAX_POINTS}, field="threshold"
        )
    return name, description, action


def _unique_slug(name: str) -> str:
    return unique_slug(Badge.objects.all(), name, fallback="badge", max_length=40)


def badge_backfill(*, badge: Badge) -> int:
    """Award `badge` to every member who already meets its criterion; returns how many were new.

    One INSERT … SELECT … ON CONFLICT DO NOTHING over the balances or the ledger, so it costs one statement
    whatever the number of members, and running it again (or beside `award`) adds nothing twice."""
    if not badge.active:
        return 0
    now = timezone.now()
    if badge.criterion == BadgeCriterion.POINTS_EARNED:
        sql = (
            "INSERT INTO rewards_badgeaward (user_id, badge_id, created_at) "
            "SELECT b.user_id, %s, %s FROM rewards_pointbalance b WHERE b.earned >= %s "
            "ON CONFLICT DO NOTHING"
        )
        params: list[Any] = [badge.pk, now, badge.threshold]
    else:
        sql = (
            "INSERT INTO rewards_badgeaward (user_id, badge_id, created_at) "
            "SELECT e.user_id, %s, %s FROM rewards_pointentry e WHERE e.action = %s AND NOT EXISTS "
            "(SELECT 1 FROM rewards_pointentry r WHERE r.reverses_id = e.id) "
            "GROUP BY e.user_id HAVING COUNT(*) >= %s ON CONFLICT DO NOTHING"
        )
        params = [badge.pk, now, badge.action, badge.threshold]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def badge_create(
    *, actor: Any, name: str, criterion: str, threshold: int, action: str = "", description: str = ""
) -> Badge:
    """A new badge, awarded at once to everyone who already qualifies."""
    check_can_manage_rewards(actor)
    name, description, action = _badge_values(
        name=name, description=description, criterion=criterion, action=action, threshold=threshold
    )
    try:
        with transaction.atomic():
            badge = Badge.objects.create(
                name=name,
                slug=_unique_slug(name),
                description=description,
                criterion=criterion,
                action=action,
                threshold=threshold,
            )
            badge_backfill(badge=badge)
    except IntegrityError:
        raise Conflict(_("A badge with this name was just added; try again."), field="name") from None
    return badge


def badge_update(
    *,
    actor: Any,
    badge: Badge,
    name: str,
    criterion: str,
    threshold: int,
    action: str = "",
    description: str = "",
) -> Badge:
    """Change a badge. Awards already made stay (a badge once earned is kept); members who meet the new
    criterion get it now."""
    check_can_manage_rewards(actor)
    name, description, action = _badge_values(
        name=name, description=description, criterion=criterion, action=action, threshold=threshold
    )
    with transaction.atomic():
        badge.name, badge.description, badge.criterion = name, description, criterion
        badge.action, badge.threshold = action, threshold
        badge.save(update_fields=["name", "description", "criterion", "action", "threshold"])
        badge_backfill(badge=badge)
    return badge


def badge_set_active(*, actor: Any, badge: Badge, active: bool) -> Badge:
    """Retire a badge (no longer awarded nor shown) or bring it back (and award it to who qualifies)."""
    check_can_manage_rewards(actor)
    with transaction.atomic():
        Badge.objects.filter(pk=badge.pk).update(active=active)
        badge.active = active
        badge_backfill(badge=badge)
    return badge
