from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "cocreate.challenges"
    label = "challenges"
    verbose_name = _("Idea challenges")

    def ready(self) -> None:
        from datetime import timedelta

        from cocreate.core import schedule
        from cocreate.core.navigation import NavItem, register

        register(NavItem(key="ideas", label=str(_("Ideas")), url_name="challenges:idea-list", order=5))
        register(
            NavItem(
                key="challenges", label=str(_("Challenges")), url_name="challenges:challenge-list", order=6
            )
        )
        from cocreate.discussions.owners import register_owner

        from .owners import idea_owner

        # Ideas own discussions: the engine asks this resolver where an idea's conversation lives.
        register_owner(idea_owner)
        register(
            NavItem(
                key="reviews",
                label=str(_("Reviews")),
                url_name="challenges:review-periods",
                order=25,
                audience="staff",
            )
        )
        # Both are idempotent; `cocreate scheduler` enqueues them, `cocreate worker` runs them.
        schedule.register("cocreate.challenges.tasks.expire_ideas", every=timedelta(minutes=10))
        schedule.register("cocreate.challenges.tasks.refresh_trending", every=timedelta(minutes=15))
