from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "cocreate.contests"
    label = "contests"
    verbose_name = _("Design contests")

    def ready(self) -> None:
        from cocreate.core.navigation import NavItem, register
        from cocreate.discussions.owners import register_owner

        from .owners import entry_owner

        # Entries own discussions: fans' comments, replies and flags live in the conversation engine.
        register_owner(entry_owner)
        register(
            NavItem(key="contests", label=str(_("Contests")), url_name="contests:contest-list", order=12)
        )
