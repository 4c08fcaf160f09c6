from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "cocreate.rewards"
    label = "rewards"
    verbose_name = _("Rewards")

    def ready(self) -> None:
        from cocreate.core.navigation import NavItem, register

        from . import receivers  # noqa: F401  (connect signal handlers)
        from .views import register_slots

        # Level, points earned and badges on the member's public profile.
        register_slots()

        register(NavItem(key="rewards", label=str(_("Rewards")), url_name="rewards:catalogue", order=40))
        register(
            NavItem(
                key="rewards-manage",
                label=str(_("Manage rewards")),
                url_name="rewards:manage",
                order=92,
                audience="staff",
            )
        )
