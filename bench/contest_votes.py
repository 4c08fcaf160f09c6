"""Fans voting in a design contest at the same moment: the counters must equal the vote rows.

    cocreate bench contest_votes [--members 64] [--entries 12] [--rounds-of-votes 5] [--budget]

`--members` fans and `--entries` designers (created once, @bench.cocreate.example) and a new open contest
per run (one open round, open visibility). One thread per fan, each with its own database connection,
calls the vote service: in one-vote mode each fan votes `--rounds-of-votes` times for random entries (each
vote for another entry moves the fan's vote); with `--budget` each call sets 1 to 4 points on a random
entry within a budget of 10 (some calls are refused for the budget, as they should be). Then the run
checks, and exits non-zero unless all hold: every entry's count and its per-round count equal the sum of
its vote rows, every fan's ballot equals the sum of their votes, and no fan is over the limit.

Meant for PostgreSQL (row locks, concurrent writers); on SQLite writers queue on the file lock.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from collections import Counter
from datetime import timedelta

sys.path.insert(0, os.path.dirname(__file__))

from _harness import machine, percentile, print_table

BENCH_DOMAIN = "bench.cocreate.example"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=64)
    parser.add_argument("--entries", type=int, default=12)
    parser.add_argument("--rounds-of-votes", type=int, default=5)
    parser.add_argument("--budget", action="store_true")
    args = parser.parse_args(argv)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
    django.setup()
    from django.db import connection, connections
    from django.db.models import Sum
    from django.utils import timezone

    from cocreate.accounts import services as account_services
    from cocreate.accounts.models import Role, User
    from cocreate.contests import services
    from cocreate.contests.models import (
        Ballot,
        ContestStatus,
        Entry,
        EntryRound,
        Visibility,
        Vote,
        VotingMode,
    )
    from cocreate.core.errors import DomainError

    def person(email: str, role: str = Role.MEMBER) -> User:
        return User.objects.filter(email=email).first() or account_services.user_create_verified(
            actor=None, email=email, role=role, display_name=email.split("@")[0]
        )

    print(f"machine: {machine()}")
    version = getattr(connection, "pg_version", 0)
    database = f"PostgreSQL {version // 10000}" if connection.vendor == "postgresql" else connection.vendor
    staff = person(f"contest-staff@{BENCH_DOMAIN}", Role.ADMIN)
    fans = [person(f"voter{n}@{BENCH_DOMAIN}") for n in range(args.members)]
    makers = [person(f"entrant{n}@{BENCH_DOMAIN}") for n in range(args.entries)]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    mode = VotingMode.BUDGET if args.budget else VotingMode.ONE_VOTE
    contest = services.contest_create(
        actor=staff,
        title=f"Bench contest {stamp}",
        visibility=Visibility.OPEN,
        voting_mode=mode,
        vote_budget=10,
        open_submission=True,
    )
    now = timezone.now()
    services.round_add(
        actor=staff,
        contest=contest,
        name="Votes",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
    )
    services.contest_set_status(actor=staff, contest=contest, status=ContestStatus.OPEN)
    entries = []
    for maker in makers:
        made = services.entry_submit(actor=maker, contest=contest, title=f"Entry by {maker.display_name}")
        entries.append(Entry.objects.select_related("contest", "first_round").get(pk=made.pk))
    print(f"database: {database}; {Vote.objects.count():,} votes before the run; mode {mode}")

    latencies: list[float] = []
    refusals: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(len(fans))

    def run(index: int, fan: User) -> None:
        rng = random.Random(index)
        mine: list[float] = []
        try:
            barrier.wait()
            for _ in range(args.rounds_of_votes):
                entry = rng.choice(entries)
                started = time.perf_counter()
                try:
                    services.vote_cast(
                        actor=fan,
                        entry=entry,
                        points=rng.randint(1, 4) if args.budget else None,
                    )
                except DomainError as exc:
                    with lock:
                        refusals[exc.message] += 1
                    continue
                except Exception as exc:  # a deadlock or any other failure is a finding, not a refusal
                    with lock:
                        errors[type(exc).__name__] += 1
                    continue
                mine.append((time.perf_counter() - started) * 1000)
        finally:
            with lock:
                latencies.extend(mine)
            connections.close_all()

    connection.close()
    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(fans)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started

    problems = []
    for entry in entries:
        rows = Vote.objects.filter(entry=entry).aggregate(n=Sum("points"))["n"] or 0
        if Entry.objects.get(pk=entry.pk).votes != rows:
            problems.append(f"entry {entry.pk}: count differs from its rows")
        if (EntryRound.objects.filter(entry=entry).values_list("votes", flat=True).first() or 0) != rows:
            problems.append(f"entry {entry.pk}: round count differs from its rows")
    limit = 10 if args.budget else 1
    for fan in fans:
        spent = Vote.objects.filter(voter=fan, round__contest=contest).aggregate(n=Sum("points"))["n"] or 0
        ballot = (
            Ballot.objects.filter(voter=fan, round__contest=contest).values_list("spent", flat=True).first()
        )
        if (ballot or 0) != spent or spent > limit:
            problems.append(f"fan {fan.pk}: ballot {ballot} for {spent} points")
    ordered = sorted(latencies)
    print_table(
        [
            {
                "path": "services.vote_cast (threads, one connection each)",
                "calls": args.members * args.rounds_of_votes,
                "succeeded": len(latencies),
                "refused": sum(refusals.values()),
                "seconds": f"{seconds:.2f}",
                "votes/s": f"{len(latencies) / seconds:.0f}",
                "p50 ms": f"{percentile(ordered, 50):.1f}",
                "p95 ms": f"{percentile(ordered, 95):.1f}",
                "p99 ms": f"{percentile(ordered, 99):.1f}",
            }
        ]
    )
    if refusals:
        print("refusals:", dict(refusals))
    if errors:
        problems.append(f"unexpected errors: {dict(errors)}")
    if problems:
        print("FAILED:", *problems[:10], sep="\n  ")
        sys.exit(1)
    print("checks: every count equals its vote rows; every ballot equals its votes and is within the limit")


if __name__ == "__main__":
    main()
