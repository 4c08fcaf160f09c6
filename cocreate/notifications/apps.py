from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "cocreate.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from datetime import timedelta

        from cocreate.core import schedule

        from . import community, contests, receivers, talent, workshops  # noqa: F401  (connect signal handlers)

        # No menu entry: the header's unread badge links to the inbox.
        # Each is idempotent: a digest run twice finds nothing left to send; deliveries are claimed.
        schedule.register("cocreate.notifications.tasks.send_daily_digests", every=timedelta(days=1))
        schedule.register("cocreate.notifications.tasks.send_weekly_digests", every=timedelta(days=7))
        schedule.register("cocreate.notifications.tasks.deliver_due_webhooks", every=timedelta(minutes=1))
