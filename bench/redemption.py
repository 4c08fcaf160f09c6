"""One reward, a fixed stock, many members redeeming it at the same moment: nothing may be oversold.

    cocreate bench redemption [--units 1000] [--members 64] [--cost 10] [--kind discount_code]
                              [--http] [--workers 2]

`--members` members (created once, redeemer{n}@bench.cocreate.example) are each topped up by a staff
adjustment with enough points to buy the whole stock alone, and the per-member limit is off, so the only
thing that refuses them is the stock running out. A new reward with `--units` units (discount codes by
default, one code per unit, or `--kind benefit` for a plain counted stock) is created per run.

Direct mode (default): one thread per member, each with its own database connection, calls the
redemption service in a loop until it is refused. `--http` drives `POST /api/v1/rewards/{id}/redeem`
through `cocreate serve` with the shared harness instead (one keep-alive connection per member).

Afterwards the run checks, and exits non-zero unless all hold: exactly `units` redemptions succeeded,
the stock is 0, every refusal was "out of stock", no member's balance is below zero, each balance equals
the sum of that member's ledger entries, the redemptions' points equal the points the ledger spent, and
every discount code went to exactly one redemption.

Meant for PostgreSQL (row locks, concurrent writers); on SQLite it runs but writers queue on the file lock.

    cocreate bench redemption --award-cost 300

A side measure on a seeded database (`cocreate seed --scale 10`): what the synchronous award costs a
support. One member supports `2 x N` published ideas through the support service, in batches of 25 that
alternate between no "support given" rule and an active one (5 points, no cap, two badges to check), so
both halves see the same machine load. The service's time includes its after-commit receivers, the award
among them. Prints both halves' median and p95 and the overhead.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))

from _harness import drive, machine, percentile, print_table, running_server, server_durations

BENCH_DOMAIN = "bench.cocreate.example"


def _people(count: int, points: int) -> tuple[object, list[object]]:
    """The bench's staff member and `count` members, each topped up to at least `points`."""
    from cocreate.accounts import services as account_services
    from cocreate.accounts.models import Role, User
    from cocreate.rewards import selectors, services

    staff_email = f"rewards-staff@{BENCH_DOMAIN}"
    staff = User.objects.filter(email=staff_email).first() or account_services.user_create_verified(
        actor=None, email=staff_email, role=Role.ADMIN, display_name="Bench rewards staff"
    )
    members = []
    for n in range(count):
        email = f"redeemer{n}@{BENCH_DOMAIN}"
        user = User.objects.filter(email=email).first() or account_services.user_create_verified(
            actor=None, email=email, display_name=f"Bench redeemer {n}"
        )
        have = selectors.standing_of(user=user).balance
        while have < points:
            step = min(points - have, services.MAX_ADJUSTMENT)
            services.points_adjust(actor=staff, user=user, points=step, reason="Redemption bench")
            have += step
        members.append(user)
    return staff, members


def _status_counts(log: Path, path_prefix: str) -> Counter[int]:
    counts: Counter[int] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("logger") == "cocreate.access" and str(entry.get("path", "")).startswith(path_prefix):
            counts[int(entry["status"])] += 1
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--members", type=int, default=64)
    parser.add_argument("--cost", type=int, default=10)
    parser.add_argument("--kind", choices=["discount_code", "benefit"], default="discount_code")
    parser.add_argument("--http", action="store_true", help="Through the HTTP API and `cocreate serve`.")
    parser.add_argument("--workers", type=int, default=2, help="Server workers for --http.")
    parser.add_argument(
        "--award-cost", type=int, default=0, metavar="N", help="Measure the award's cost per support instead."
    )
    args = parser.parse_args(argv)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
    django.setup()
    from django.db import connection, connections
    from django.db.models import Sum

    from cocreate.accounts import services as account_services
    from cocreate.core.errors import DomainError
    from cocreate.rewards import services
    from cocreate.rewards.models import (
        Action,
        PointBalance,
        PointEntry,
        Redemption,
        Reward,
        RewardCode,
        RewardKind,
    )

    print(f"machine: {machine()}")
    version = getattr(connection, "pg_version", 0)
    database = f"PostgreSQL {version // 10000}" if connection.vendor == "postgresql" else connection.vendor
    if args.award_cost:
        award_cost(args.award_cost, database)
        return
    if connection.vendor != "postgresql":
        print("Note: not PostgreSQL; SQLite serialises writers, so these figures say little.")

    staff, members = _people(args.members, args.units * args.cost)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    reward = services.reward_create(
        actor=staff,
        title=f"Bench reward {stamp}",
        kind=args.kind,
        cost=args.cost,
        stock=None if args.kind == RewardKind.DISCOUNT_CODE else args.units,
        per_member_limit=0,
        codes=[f"BENCH-{stamp}-{i:05d}" for i in range(args.units)] if args.kind == "discount_code" else (),
    )
    before = {
        row["user_id"]: row["balance"]
        for row in PointBalance.objects.filter(user__in=members).values("user_id", "balance")
    }
    data = (
        f"{PointEntry.objects.count():,} ledger entries, {Redemption.objects.count():,} redemptions, "
        f"{Reward.objects.count():,} rewards, {PointBalance.objects.count():,} balances"
    )
    print(f"database: {database}; data before the run: {data}")

    latencies: list[float] = []
    refusals: Counter[str] = Counter()
    lock = threading.Lock()
    if not args.http:
        barrier = threading.Barrier(len(members))

        def run(user: object) -> None:
            mine: list[float] = []
            try:
                barrier.wait()
                while True:
                    started = time.perf_counter()
                    try:
                        services.redeem(actor=user, reward=reward)
                    except DomainError as exc:
                        with lock:
                            refusals[exc.message] += 1
                        break
                    mine.append((time.perf_counter() - started) * 1000)
            finally:
                with lock:
                    latencies.extend(mine)
                connections.close_all()

        connection.close()
        threads = [threading.Thread(target=run, args=(m,)) for m in members]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
        succeeded = len(latencies)
        path = "services.redeem (threads, one connection each)"
        server_p = {}
    else:
        tokens = [
            account_services.token_create(actor=m, user=m, name="redemption bench").secret  # type: ignore[arg-type]
            for m in members
        ]
        connection.close()

        def request(seq: int) -> tuple[str, str, bytes | None, dict[str, str]]:
            token = tokens[seq % len(tokens)]
            return "POST", f"/api/v1/rewards/{reward.pk}/redeem", b"", {"Authorization": f"Bearer {token}"}

        with running_server(workers=args.workers) as (base, log):
            result = drive(
                base,
                "POST /api/v1/rewards/{id}/redeem",
                request,
                concurrency=len(members),
                seconds=600,
                # Every unit, then two refused tries per member.
                max_requests=args.units + 2 * len(members),
                ok=lambda status: status == 201,
            )
            statuses = _status_counts(log, f"/api/v1/rewards/{reward.pk}/redeem")
            server_ms, _ = server_durations(log, f"/api/v1/rewards/{reward.pk}/redeem")
        seconds = result.seconds
        latencies = result.latencies_ms
        succeeded = statuses.get(201, 0)
        refusals = Counter({f"HTTP {s}": n for s, n in statuses.items() if s != 201})
        path = f"HTTP API, cocreate serve with {args.workers} workers"
        server_p = {
            "server p50 ms": round(percentile(server_ms, 50), 2),
            "server p95 ms": round(percentile(server_ms, 95), 2),
            "server p99 ms": round(percentile(server_ms, 99), 2),
        }

    django.db.connection.connect()
    fresh = Reward.objects.get(pk=reward.pk)
    redemptions = Redemption.objects.filter(reward=reward)
    sources = [f"redemption:{pk}" for pk in redemptions.values_list("pk", flat=True)]
    spent = -(
        PointEntry.objects.filter(action=Action.REDEMPTION, source__in=sources).aggregate(s=Sum("amount"))[
            "s"
        ]
        or 0
    )
    paid = redemptions.aggregate(s=Sum("points"))["s"] or 0
    negative = PointBalance.objects.filter(user__in=members, balance__lt=0).count()
    unsound = 0
    for m in members:
        balance = PointBalance.objects.get(user=m).balance
        if balance != sum(PointEntry.objects.filter(user=m).values_list("amount", flat=True)):
            unsound += 1
    codes_out = RewardCode.objects.filter(reward=reward, redeemed_by__isnull=False).count()
    codes_distinct = redemptions.exclude(code="").values("code").distinct().count()
    after = dict(PointBalance.objects.filter(user__in=members).values_list("user_id", "balance"))
    balance_drop = sum(before.get(uid, 0) - after.get(uid, 0) for uid in after)

    rows = [
        {
            "path": path,
            "members": len(members),
            "units": args.units,
            "succeeded": succeeded,
            "refused": sum(refusals.values()),
            "seconds": round(seconds, 2),
            "redemptions/s": round(succeeded / seconds, 1) if seconds else 0,
            "p50 ms": round(percentile(latencies, 50), 2),
            "p95 ms": round(percentile(latencies, 95), 2),
            "p99 ms": round(percentile(latencies, 99), 2),
            **server_p,
        }
    ]
    print(f"reward: {args.kind}, cost {args.cost}, {args.units:,} units, no per-member limit")
    print_table(rows)
    print(f"refusals: {dict(refusals)}")
    checks = {
        f"exactly {args.units} succeeded": succeeded == args.units == redemptions.count(),
        "stock is 0": (fresh.stock == 0),
        "refused only for stock": all(
            "out of stock" in reason or reason == "HTTP 409" for reason in refusals
        ),
        "no balance below zero": negative == 0,
        "each balance is the sum of its entries": unsound == 0,
        "redemption points == points the ledger spent == balances' drop": paid == spent == balance_drop,
        "each code handed out once": args.kind != "discount_code"
        or (codes_out == codes_distinct == args.units),
    }
    for name, good in checks.items():
        print(f"  {'ok  ' if good else 'FAIL'} {name}")
    print(f"points spent: {spent:,}; balances' drop {balance_drop:,}; redemption points {paid:,}")
    if not all(checks.values()):
        sys.exit(1)


def award_cost(n: int, database: str) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from cocreate.accounts import services as account_services
    from cocreate.accounts.models import User
    from cocreate.challenges.models import Idea, IdeaStatus, Support
    from cocreate.challenges.services import supports
    from cocreate.rewards import services
    from cocreate.rewards.models import Action, Badge, BadgeCriterion, PointEntry

    staff, _ = _people(0, 0)
    email = f"award-cost@{BENCH_DOMAIN}"
    member = User.objects.filter(email=email).first() or account_services.user_create_verified(
        actor=None, email=email, display_name="Bench award cost"
    )
    ideas = list(
        Idea.objects.filter(status=IdeaStatus.PUBLISHED, deadline__gte=timezone.now() + timedelta(days=1))
        .exclude(supports__user=member)
        .order_by("pk")
        .values_list("pk", flat=True)[: 2 * n]
    )
    if len(ideas) < 2 * n:
        sys.exit(
            f"Only {len(ideas)} open ideas left for this member; seed more (`cocreate seed --scale 10`)."
        )
    for name, criterion, threshold in (
        ("Bench supporter", BadgeCriterion.ACTION_COUNT, 10_000),
        ("Bench earner", BadgeCriterion.POINTS_EARNED, 1_000_000),
    ):
        if not Badge.objects.filter(name=name).exists():
            action = Action.SUPPORT_GIVEN if criterion == BadgeCriterion.ACTION_COUNT else ""
            services.badge_create(
                actor=staff, name=name, criterion=criterion, action=action, threshold=threshold
            )
    print(
        f"database: {database}; data: {Idea.objects.count():,} ideas, {Support.objects.count():,} supports, "
        f"{PointEntry.objects.count():,} ledger entries, {User.objects.count():,} members"
    )
    times: dict[bool, list[float]] = {False: [], True: []}
    entries_before = PointEntry.objects.filter(user=member).count()
    batch = 25
    for start in range(0, len(ideas), batch):
        rule_on = (start // batch) % 2 == 1
        services.rule_set(actor=staff, action=Action.SUPPORT_GIVEN, points=5, daily_cap=0, active=rule_on)
        for pk in ideas[start : start + batch]:
            idea = Idea.objects.get(pk=pk)
            started = time.perf_counter()
            supports.support_add(actor=member, idea=idea)
            times[rule_on].append((time.perf_counter() - started) * 1000)
    awarded = PointEntry.objects.filter(user=member).count() - entries_before
    rows = [
        {
            "support service": "with the award (rule active)" if on else "without (no active rule)",
            "supports": len(times[on]),
            "p50 ms": round(percentile(times[on], 50), 2),
            "p95 ms": round(percentile(times[on], 95), 2),
            "mean ms": round(sum(times[on]) / len(times[on]), 2),
        }
        for on in (False, True)
    ]
    print_table(rows)
    off, on = percentile(times[False], 50), percentile(times[True], 50)
    print(
        f"entries written: {awarded}; award overhead at p50: {on - off:+.2f} ms "
        f"({(on / off - 1) * 100:+.0f}%)"
    )


if __name__ == "__main__":
    main()
