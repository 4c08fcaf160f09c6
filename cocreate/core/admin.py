"""Back-office building blocks shared by the apps."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    """A back-office view for looking things up: changes go through the site's screens and the services.

    Subclasses say who may look by overriding `may_view(user)`.
    """

    def may_view(self, user: Any) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.may_view(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_view(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
