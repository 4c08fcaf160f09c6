from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "cocreate.community"
    label = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from cocreate.discussions.owners import register_owner

        from .owners import thread_owner

        # Threads own discussions: replies, reactions and flags live in the conversation engine.
        register_owner(thread_owner)
