from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cocreate.accounts import services
from cocreate.accounts.models import Role, User
from cocreate.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Manage accounts: `cocreate user add EMAIL --role ROLE [--token]`, `cocreate user role EMAIL ROLE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Create a verified account.")
        add.add_argument("email")
        add.add_argument("--role", default=Role.MEMBER, choices=Role.values)
        add.add_argument("--name", default="", help="Display name.")
        add.add_argument("--password", help="Password (prompted when --ask-password; none: log-in by reset).")
        add.add_argument("--ask-password", action="store_true")
        add.add_argument("--token", action="store_true", help="Print a fresh API token as the last line.")
        role = sub.add_parser("role", help="Change an account's role.")
        role.add_argument("email")
        role.add_argument("role", choices=Role.values)
        token = sub.add_parser("token", help="Print a fresh API token for an existing account.")
        token.add_argument("email")
        token.add_argument("--name", default="command line")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _add(self, options: dict[str, Any]) -> None:
        password = options["password"]
        if options["ask_password"]:
            password = getpass.getpass("Password: ")
        user = services.user_create_verified(
            actor=None,
            email=options["email"],
            role=options["role"],
            password=password,
            display_name=options["name"],
        )
        self.stdout.write(f"Created {user.email} ({user.get_role_display()}), email verified.")
        if options["token"]:
            issued = services.token_create(actor=user, user=user, name="command line")
            self.stdout.write(issued.secret)

    def _find(self, email: str) -> User:
        user = User.objects.with_email(email).first()
        if user is None:
            raise CommandError(f"No account with the email {email}.")
        return user

    def _role(self, options: dict[str, Any]) -> None:
        user = services.user_set_role(actor=None, user=self._find(options["email"]), role=options["role"])
        self.stdout.write(f"{user.email} is now {user.get_role_display()}.")

    def _token(self, options: dict[str, Any]) -> None:
        user = self._find(options["email"])
        self.stdout.write(services.token_create(actor=user, user=user, name=options["name"]).secret)
