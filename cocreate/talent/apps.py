from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "cocreate.talent"
    label = "talent"
    verbose_name = _("Talent")

    def ready(self) -> None:
        from cocreate.core.navigation import NavItem, register

        from .views import register_slots

        register_slots()
        register(
            NavItem(key="talent", label=str(_("Opportunities")), url_name="talent:opportunities", order=46)
        )
        register(
            NavItem(
                key="talent-staffing",
                label=str(_("Staffing")),
                url_name="talent:staffing",
                order=95,
                audience="staff",
            )
        )
        register(
            NavItem(
                key="talent-skills",
                label=str(_("Skills taxonomy")),
                url_name="talent:skills",
                order=96,
                audience="staff",
            )
        )
