from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cocreate.core.forms import CleanImagesModelForm

from . import policies, services
from .models import ApiToken, TermsAcceptance, User


class UserForm(CleanImagesModelForm):
    image_fields = ("avatar",)

    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserForm
    list_display = ("email", "display_name", "role", "is_active", "date_joined", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("email", "display_name")
    ordering = ("-date_joined",)
    fields = (
        "email",
        "display_name",
        "role",
        "is_active",
        "bio",
        "interests",
        "skills",
        "avatar",
        "date_joined",
        "last_login",
    )
    readonly_fields = ("date_joined", "last_login")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # An administrator cannot remove their own role (user_set_role refuses it): show it, don't offer it.
        if obj is not None and obj.pk == request.user.pk:
            return (*self.readonly_fields, "role")
        return tuple(self.readonly_fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # accounts come from sign-up or `cocreate user add`, which verify the email

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policies.is_staff(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policies.can_manage_users(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policies.can_manage_users(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policies.is_staff(request.user)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        role = obj.role
        obj.save()
        # Staff and superuser flags follow the role, through the one service that decides them.
        services.user_set_role(actor=request.user, user=obj, role=role)  # type: ignore[arg-type]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at")
    search_fields = ("user__email", "name", "prefix")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policies.can_manage_users(request.user)

    has_view_permission = lambda self, request, obj=None: policies.can_manage_users(request.user)  # noqa: E731
    has_change_permission = lambda self, request, obj=None: False  # noqa: E731
    has_delete_permission = lambda self, request, obj=None: False  # noqa: E731


@admin.register(TermsAcceptance)
class TermsAcceptanceAdmin(admin.ModelAdmin):
    list_display = ("user", "terms", "accepted_at")
    list_filter = ("terms",)
    search_fields = ("user__email",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policies.is_staff(request.user)

    has_view_permission = lambda self, request, obj=None: policies.is_staff(request.user)  # noqa: E731
    has_change_permission = lambda self, request, obj=None: False  # noqa: E731
    has_delete_permission = lambda self, request, obj=None: False  # noqa: E731
