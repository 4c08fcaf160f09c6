from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "cocreate.workshops"
    label = "workshops"
    verbose_name = _("Workshops")

    def ready(self) -> None:
        from datetime import timedelta

        from cocreate.core import schedule
        from cocreate.core.navigation import NavItem, register

        # Reminders go out the day before; checking every 15 minutes is precise enough, and the task is
        # idempotent (one notification per member and workshop).
        schedule.register(
            "cocreate.notifications.workshops.send_workshop_reminders", every=timedelta(minutes=15)
        )
        # Attendees are asked for the survey once the session ended (idempotent as well).
        schedule.register("cocreate.notifications.workshops.send_workshop_surveys", every=timedelta(hours=1))
        # The member's profile lists the workshops they attended (for them and staff).
        from .views import register_slots

        register_slots()
        register(
            NavItem(key="workshops", label=str(_("Workshops")), url_name="workshops:workshop-list", order=35)
        )
        register(
            NavItem(
                key="workshops-manage",
                label=str(_("Manage workshops")),
                url_name="workshops:manage",
                order=93,
                audience="staff",
            )
        )
