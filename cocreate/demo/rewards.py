"""The demo brand's rewards: the staff's rules, levels and badges, points for what the demo members already
did (ideas, supports, accepted answers, workshops attended and their surveys), a catalogue (discount codes,
an exclusive benefit, early access to a product, one item sold out) and redemptions by the members who can
afford them.

It runs after every other part of the demo: the earlier activity happened before there were rules, so it
is paid here through the same service and with the same sources the live receivers use (running it again,
or a live receiver firing later, never pays twice). Deterministic; running it again adds nothing.
"""

from __future__ import annotations

import random
import string

from django.db import transaction
from django.db.models import F, Q

from cocreate.accounts.models import User
from cocreate.challenges.models import Idea, IdeaStatus, Support
from cocreate.community.models import Thread
from cocreate.core.errors import DomainError
from cocreate.rewards import services
from cocreate.rewards.models import (
    Action,
    Badge,
    BadgeCriterion,
    Level,
    PointRule,
    Redemption,
    Reward,
    RewardKind,
)
from cocreate.workshops.models import Attendance, Registration, SurveyResponse

from . import brand as data

MEMBER_DOMAIN = "@members.northbrick.example"

# action: (points, daily cap)
RULES: dict[str, tuple[int, int]] = {
    Action.IDEA_PUBLISHED: (50, 150),
    Action.SUPPORT_GIVEN: (5, 50),
    Action.ANSWER_ACCEPTED: (25, 100),
    Action.WORKSHOP_ATTENDED: (100, 0),
    Action.SURVEY_COMPLETED: (20, 0),
    Action.IDEA_APPROVED: (250, 0),
}

LEVELS = [("Newcomer", 0), ("Contributor", 100), ("Builder", 300), ("Master builder", 1000), ("Legend", 3000)]

COUNT = BadgeCriterion.ACTION_COUNT
# name, description, criterion, action, threshold
BADGES: list[tuple[str, str, str, str, int]] = [
    ("First idea", "Published an idea", COUNT, Action.IDEA_PUBLISHED, 1),
    ("Cheerleader", "Supported five ideas", COUNT, Action.SUPPORT_GIVEN, 5),
    ("Helping hand", "An answer was accepted", COUNT, Action.ANSWER_ACCEPTED, 1),
    ("Approved!", "An idea was approved", COUNT, Action.IDEA_APPROVED, 1),
    ("In the room", "Took part in a workshop", COUNT, Action.WORKSHOP_ATTENDED, 1),
    ("Workshop regular", "Took part in three workshops", COUNT, Action.WORKSHOP_ATTENDED, 3),
    ("Voice of the customer", "Answered a workshop survey", COUNT, Action.SURVEY_COMPLETED, 1),
    ("Five hundred club", "Earned 500 points", BadgeCriterion.POINTS_EARNED, "", 500),
]

SOLD_OUT = "Signed box art print"
# title, kind, cost, stock (codes for discount codes), per-member limit, description
CATALOGUE: list[tuple[str, str, int, int | None, int, str]] = [
    (
        "Northbrick sticker sheet",
        RewardKind.BENEFIT,
        30,
        None,
        3,
        "A sheet of vinyl stickers with the Harbour range's flags and signs, posted to you.",
    ),
    (
        "Free shipping on your next order",
        RewardKind.DISCOUNT_CODE,
        80,
        60,
        2,
        "A single-use code for the web shop.",
    ),
    (
        SOLD_OUT,
        RewardKind.BENEFIT,
        100,
        3,
        1,
        "The Harbour Lighthouse box art, printed on heavy paper and signed by its designer.",
    ),
    (
        "10% off any Harbour set",
        RewardKind.DISCOUNT_CODE,
        150,
        40,
        1,
        "A single-use code for 10% off one Harbour set in the web shop.",
    ),
    (
        "Early access: Alpine Cable Car pre-order",
        RewardKind.EARLY_ACCESS,
        250,
        100,
        1,
        "Order the Alpine Cable Car 48 hours before everyone else; we email you the link on the day.",
    ),
    (
        "Design studio visit",
        RewardKind.BENEFIT,
        400,
        12,
        1,
        "An exclusive afternoon with the design team in the studio, for you and a guest.",
    ),
]

# Thanks by hand, as the community team would give them (also so the demo member has points to spend).
BONUSES = [
    (data.MEMBER["email"], 320, "Welcome to the rewards beta"),
]
TOP_HELPERS_BONUS = (150, "Thanks for testing the new harbour sets")


def _codes(rng: random.Random, prefix: str, count: int) -> list[str]:
    alphabet = string.ascii_uppercase + string.digits
    return [f"{prefix}-{''.join(rng.choices(alphabet, k=8))}" for _ in range(count)]


def _rules(staff: User) -> None:
    missing = [action for action in RULES if not PointRule.objects.filter(action=action).exists()]
    services.rules_set(
        actor=staff,
        rules=[{"action": a, "points": RULES[a][0], "daily_cap": RULES[a][1]} for a in missing],
    )


def _levels_and_badges(staff: User) -> None:
    for name, points in LEVELS:
        if not Level.objects.filter(name=name).exists():
            services.level_create(actor=staff, name=name, min_points=points)
    for name, description, criterion, action, threshold in BADGES:
        if not Badge.objects.filter(name=name).exists():
            services.badge_create(
                actor=staff,
                name=name,
                description=description,
                criterion=criterion,
                action=action,
                threshold=threshold,
            )


def _pay_earlier_activity() -> None:
    """Points for the demo members' ideas, supports and accepted answers, with the receivers' sources."""
    members = Q(email__endswith=MEMBER_DOMAIN) | Q(email=data.MEMBER["email"])
    people = {u.pk: u for u in User.objects.filter(members)}
    ideas = Idea.objects.filter(author_id__in=people).order_by("id")
    for idea_id, author_id, status in ideas.values_list("id", "author_id", "status"):
        if status == IdeaStatus.REMOVED:
            continue
        services.award(user=people[author_id], action=Action.IDEA_PUBLISHED, source=f"idea:{idea_id}")
        if status in (IdeaStatus.APPROVED, IdeaStatus.LAUNCHED):
            services.award(user=people[author_id], action=Action.IDEA_APPROVED, source=f"idea:{idea_id}")
    supports = Support.objects.filter(user_id__in=people).order_by("id").values_list("idea_id", "user_id")
    for idea_id, user_id in supports:
        services.award(
            user=people[user_id], action=Action.SUPPORT_GIVEN, source=f"support:{idea_id}:{user_id}"
        )
    answered = (
        Thread.objects.filter(accepted_answer__isnull=False, accepted_answer__author_id__in=people)
        .exclude(accepted_answer__author_id=F("author_id"))
        .order_by("id")
        .values_list("accepted_answer_id", "accepted_answer__author_id")
    )
    for comment_id, author_id in answered:
        services.award(user=people[author_id], action=Action.ANSWER_ACCEPTED, source=f"answer:{comment_id}")
    # The past workshops' attendance and surveys (sources as the workshop receivers build them).
    present = Registration.objects.filter(attendance=Attendance.PRESENT).select_related("user").order_by("id")
    for registration in present:
        source = f"workshop:{registration.workshop_id}:{registration.user_id}"
        services.award(user=registration.user, action=Action.WORKSHOP_ATTENDED, source=source)
    for response in SurveyResponse.objects.select_related("user").order_by("id"):
        source = f"survey:{response.workshop_id}:{response.user_id}"
        services.award(user=response.user, action=Action.SURVEY_COMPLETED, source=source)


def _bonuses(staff: User) -> None:
    for email, points, reason in BONUSES:
        user = User.objects.with_email(email).first()
        if user is not None:
            services.points_adjust(
                actor=staff, user=user, points=points, reason=reason, key=f"demo-bonus-{user.pk}"
            )
    helpers = list(User.objects.filter(email__endswith=MEMBER_DOMAIN).order_by("id")[:12])
    points, reason = TOP_HELPERS_BONUS
    for user in helpers:
        services.points_adjust(
            actor=staff, user=user, points=points, reason=reason, key=f"demo-tester-{user.pk}"
        )


def _catalogue(staff: User, rng: random.Random) -> dict[str, Reward]:
    made = {}
    for title, kind, cost, stock, limit, description in CATALOGUE:
        reward = Reward.objects.filter(title=title).first()
        if reward is None:
            codes = _codes(rng, "NB" + str(cost), stock or 0) if kind == RewardKind.DISCOUNT_CODE else []
            reward = services.reward_create(
                actor=staff,
                title=title,
                kind=kind,
                cost=cost,
                description=description,
                stock=None if kind == RewardKind.DISCOUNT_CODE else stock,
                per_member_limit=limit,
                codes=codes,
            )
        made[title] = reward
    return made


def _redemptions(rewards: dict[str, Reward], rng: random.Random) -> None:
    """Members with points spend some of them; the signed print sells out. Only on the first run."""
    if Redemption.objects.filter(reward__in=rewards.values()).exists():
        return
    members = Q(email__endswith=MEMBER_DOMAIN) | Q(email=data.MEMBER["email"])
    buyers = list(
        User.objects.filter(members, point_balance__balance__gte=30).order_by("-point_balance__balance", "id")
    )
    sold_out = rewards[SOLD_OUT]
    for buyer in buyers[: sold_out.stock or 0]:
        services.redeem(actor=buyer, reward=sold_out)
    others = [r for title, r in rewards.items() if title != SOLD_OUT]
    for buyer in buyers:
        for reward in rng.sample(others, 2):
            try:
                services.redeem(actor=buyer, reward=reward)
            except DomainError:
                # Too few points left, or over the limit: as a member would be told, and nothing changes.
                continue


@transaction.atomic
def seed_rewards(staff: User) -> None:
    rng = random.Random(6060)
    _rules(staff)
    _levels_and_badges(staff)
    _pay_earlier_activity()
    _bonuses(staff)
    rewards = _catalogue(staff, rng)
    _redemptions(rewards, rng)
