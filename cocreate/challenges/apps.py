from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "cocreate.challenges"
    label = "challenges"
    verbose_name = _("Idea challenges")

    def ready(self) -> None:
        from cocreate.core.navigation import NavItem, register

        register(NavItem(key="ideas", label=str(_("Ideas")), url_name="challenges:idea-list", order=5))
        register(
            NavItem(
                key="challenges", label=str(_("Challenges")), url_name="challenges:challenge-list", order=6
            )
        )
