from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "cocreate.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from cocreate.core.navigation import NavItem, register

        from . import receivers  # noqa: F401  (connects signal handlers)

        register(
            NavItem(
                key="prototypes",
                label=str(_("Prototype tests")),
                url_name="insights:test-list",
                order=45,
                audience="members",
            )
        )
