from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "cocreate.journeys"
    label = "journeys"
    verbose_name = _("Personas and journeys")

    def ready(self) -> None:
        from cocreate.core.navigation import NavItem, register

        from . import receivers  # noqa: F401  (connects signal handlers)

        register(
            NavItem(
                key="journeys",
                label=str(_("Journeys")),
                url_name="journeys:journey-list",
                order=20,
                audience="staff",
            )
        )
        register(
            NavItem(
                key="personas",
                label=str(_("Personas")),
                url_name="journeys:persona-list",
                order=21,
                audience="staff",
            )
        )
