from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "cocreate.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from cocreate.core.navigation import NavItem, register

        register(
            NavItem(
                key="profile",
                label=str(_("My profile")),
                url_name="accounts:profile",
                order=90,
                audience="members",
            )
        )
