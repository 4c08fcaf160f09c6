from __future__ import annotations

from typing import Any

from django.contrib import admin

from cocreate.core.admin import ReadOnlyAdmin

from .models import Badge, BadgeAward, Level, PointBalance, PointEntry, PointRule, Redemption, Reward
from .policies import can_manage_rewards


class RewardsAdmin(ReadOnlyAdmin):
    def may_view(self, user: Any) -> bool:
        return can_manage_rewards(user)


@admin.register(PointEntry)
class PointEntryAdmin(RewardsAdmin):
    list_display = ("created_at", "user", "action", "amount", "source", "reverses", "actor")
    list_filter = ("action",)
    search_fields = ("user__email", "source", "note")
    raw_id_fields = ("user", "reverses", "actor")


@admin.register(PointBalance)
class PointBalanceAdmin(RewardsAdmin):
    list_display = ("user", "balance", "earned")
    search_fields = ("user__email",)


@admin.register(PointRule)
class PointRuleAdmin(RewardsAdmin):
    list_display = ("action", "points", "daily_cap", "active")


@admin.register(Level)
class LevelAdmin(RewardsAdmin):
    list_display = ("name", "min_points", "active")


@admin.register(Badge)
class BadgeAdmin(RewardsAdmin):
    list_display = ("name", "slug", "criterion", "action", "threshold", "active")


@admin.register(BadgeAward)
class BadgeAwardAdmin(RewardsAdmin):
    list_display = ("user", "badge", "created_at")


@admin.register(Reward)
class RewardAdmin(RewardsAdmin):
    list_display = ("title", "kind", "cost", "stock", "per_member_limit", "active")


@admin.register(Redemption)
class RedemptionAdmin(RewardsAdmin):
    list_display = ("created_at", "user", "reward", "points", "code")
    search_fields = ("user__email",)
