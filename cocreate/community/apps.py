from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "cocreate.community"
    label = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from cocreate.core import schedule
        from cocreate.core.navigation import NavItem, register
        from cocreate.discussions.owners import register_owner

        from . import receivers  # noqa: F401  (connects the signal receivers)
        from .owners import thread_owner
        from .tasks import SCHEDULE
        from .views import forum, improvements

        # Threads own discussions: replies, reactions and flags live in the conversation engine.
        register_owner(thread_owner)
        # Reviews on the product page, impact on the member's page.
        forum.register_slots()
        improvements.register_slots()
        for task_path, every in SCHEDULE:
            schedule.register(task_path, every=every)
        register(NavItem(key="forum", label=str(_("Community")), url_name="community:boards", order=8))
        register(
            NavItem(
                key="changelog", label=str(_("You said, we did")), url_name="community:changelog", order=30
            )
        )
        register(
            NavItem(
                key="triage", label=str(_("Triage")), url_name="community:inbox", order=26, audience="staff"
            )
        )
        register(
            NavItem(
                key="themes", label=str(_("Themes")), url_name="community:themes", order=27, audience="staff"
            )
        )
