"""Shared fixtures: people by role, API clients, and a clean cache and media folder per test."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from cocreate.accounts import services as account_services
from cocreate.accounts.models import Role, User
from cocreate.core import ratelimit

PASSWORD = "correct-horse-battery-9"

# The slowest tests (a live server and a browser, whole demo programs), started first when pytest-xdist
# spreads the suite over processes: begun early they overlap the short tests on the other worker, instead
# of leaving one worker to finish them alone at the end.
_LONG_FIRST = ("tests/e2e/", "tests/demo/", "tests/cli/")
_BROWSER = "tests/e2e/"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # A stable sort on the test's path only: every worker computes the same order, as xdist requires.
        items.sort(key=lambda item: not item.nodeid.startswith(_LONG_FIRST))


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadgroup`, with every browser test in one group: one worker migrates the live server's
    database once and runs them in turn, and two Chromiums never compete for CI's two cores.

    Grouped by path rather than by an `xdist_group` mark: xdist 3.8 passes marks to the scheduler by
    rewriting the test's id, which pytest 9.2 no longer lets it do (pytest-dev/pytest-xdist#1386), so a
    mark is silently ignored there.
    """
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class BrowserTestsTogether(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(_BROWSER):
                return _BROWSER
            return str(super()._split_scope(nodeid))

    return BrowserTestsTogether(config, log)


@pytest.fixture(autouse=True)
def _isolated(settings: Any, tmp_path: Any) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # A per-test memory cache: rate-limit counters never leak between tests, and tests that do not touch
    # the database do not need it for the cache either.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{id(tmp_path)}",
        }
    }
    cache.clear()
    yield
    cache.clear()


class _WindowAlignedClock:
    """The clock the rate limiter reads: real time (or freezegun's), shifted so that the test starts on the
    first second of a day, and so of every fixed window that divides one (a minute, an hour).

    Without it a test that makes three requests against a per-minute limit fails whenever those requests
    straddle a minute boundary: the third lands in a fresh window and is let through.
    """

    _START = 1_800_000_000 - 1_800_000_000 % 86_400

    def __init__(self) -> None:
        self._offset = self._START - time.time()

    def time(self) -> float:
        return time.time() + self._offset

    def __getattr__(self, name: str) -> Any:  # the rest of the time module, unchanged
        return getattr(time, name)


@pytest.fixture(autouse=True)
def _rate_limit_windows_open_with_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "time", _WindowAlignedClock())


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    counter = {"n": 0}

    def make(role: str = Role.MEMBER, email: str | None = None, **extra: Any) -> User:
        counter["n"] += 1
        user = account_services.user_create_verified(
            actor=None,
            email=email or f"{role}{counter['n']}@example.com",
            role=role,
            password=PASSWORD,
            display_name=extra.pop("display_name", f"{role.title()} {counter['n']}"),
        )
        return user

    return make


@pytest.fixture
def member(make_user: Callable[..., User]) -> User:
    return make_user(Role.MEMBER, email="member@example.com")


@pytest.fixture
def other_member(make_user: Callable[..., User]) -> User:
    return make_user(Role.MEMBER, email="other@example.com")


@pytest.fixture
def moderator(make_user: Callable[..., User]) -> User:
    return make_user(Role.MODERATOR, email="moderator@example.com")


@pytest.fixture
def brand_admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN, email="admin@example.com")


@pytest.fixture
def member_client(client: Client, member: User) -> Client:
    client.force_login(member)
    return client


@pytest.fixture
def admin_client_(brand_admin: User) -> Client:
    c = Client()
    c.force_login(brand_admin)
    return c


class ApiClient:
    """A JSON client that authenticates with a real personal token."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            secret = account_services.token_create(actor=user, user=user, name="tests").secret
            self.headers["Authorization"] = f"Bearer {secret}"

    def _call(self, method: str, path: str, data: Any = None, **kwargs: Any) -> Any:
        fn = getattr(self.client, method)
        if method in ("post", "patch", "put", "delete") and data is not None:
            kwargs.setdefault("content_type", "application/json")
        return fn(path, data, headers=self.headers, **kwargs)

    def get(self, path: str, data: Any = None, **kw: Any) -> Any:
        return self._call("get", path, data, **kw)

    def post(self, path: str, data: Any = None, **kw: Any) -> Any:
        return self._call("post", path, data, **kw)

    def patch(self, path: str, data: Any = None, **kw: Any) -> Any:
        return self._call("patch", path, data, **kw)

    def put(self, path: str, data: Any = None, **kw: Any) -> Any:
        return self._call("put", path, data, **kw)

    def delete(self, path: str, data: Any = None, **kw: Any) -> Any:
        return self._call("delete", path, data, **kw)


@pytest.fixture
def api_for(db: None) -> Callable[[User | None], ApiClient]:
    return ApiClient


def assert_error_shape(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """Every API failure answers the one error shape with the right status."""
    assert response.status_code == status, response.content
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list) and body["errors"]
    for err in body["errors"]:
        assert set(err) == {"field", "message"}
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body
