"""Supports through the HTTP API under concurrent load, beside bare PostgreSQL doing the same writes.

    cocreate bench supports_write [--seconds 10] [--concurrency 32] [--workers 2] [--pool 2000]

32 members (created once, @bench.cocreate.example, each with a fresh API token) support ideas of a pool of
published ideas through `POST /api/v1/ideas/{id}/support`, every request a new (member, idea) pair. Then
`pgbench` runs the statements the service runs for one support (the INSERT … ON CONFLICT and the counted
UPDATE, as one transaction) with random ideas and members, on the same database with as many clients.
The ratio between the two is what the HTTP stack, Django, the policy checks and the milestone logic cost.
Afterwards every seeded idea's count is set back to its number of rows (pgbench counts blindly).

PostgreSQL only (pgbench); seed first, e.g. `cocreate seed --scale 10`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))

from _harness import drive, machine, percentile, print_table, running_server, server_durations

BENCH_DOMAIN = "bench.cocreate.example"

PGBENCH_SCRIPT = """\
\\set idea random({idea_min}, {idea_max})
\\set member random({user_min}, {user_max})
BEGIN;
INSERT INTO challenges_support (idea_id, user_id, created_at, would_buy, price_band, audience)
  VALUES (:idea, :member, now(), '', '', '') ON CONFLICT (idea_id, user_id) DO NOTHING RETURNING id;
UPDATE challenges_idea SET support_count = support_count + 1
  WHERE id = :idea AND status = 'published' AND (deadline IS NULL OR deadline >= now())
  RETURNING support_count, milestone_index;
END;
"""


def _members(count: int) -> list[str]:
    """Bearer tokens of `count` bench members (created on the first run; a new token each run)."""
    from cocreate.accounts import services
    from cocreate.accounts.models import User

    tokens = []
    for n in range(count):
        email = f"supporter{n}@{BENCH_DOMAIN}"
        user = User.objects.filter(email=email).first() or services.user_create_verified(
            actor=None, email=email, display_name=f"Bench supporter {n}"
        )
        tokens.append(services.token_create(actor=user, user=user, name="supports_write bench").secret)
    return tokens


def _pgbench(database: dict[str, str], script: str, clients: int, seconds: float) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="cocreate-pgbench-"))
    try:
        (folder / "support.sql").write_text(script)
        command = [
            "pgbench",
            "-n",  # no vacuum of pgbench's own tables (there are none)
            "-f",
            str(folder / "support.sql"),
            "-c",
            str(clients),
            "-j",
            str(min(clients, os.cpu_count() or 2)),
            "-T",
            str(int(seconds)),
            "-l",
            "--log-prefix",
            str(folder / "log"),
            "-h",
            database["host"] or "127.0.0.1",
            "-p",
            str(database["port"] or 5432),
            "-U",
            database["user"] or "postgres",
            database["name"],
        ]
        env = {**os.environ, "PGPASSWORD": database["password"] or ""}
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False, cwd=folder)
        if done.returncode != 0:
            sys.exit(f"pgbench failed:\n{done.stderr}")
        latencies = []
        for log in folder.glob("log*"):
            for line in log.read_text().splitlines():
                parts = line.split()
                if len(parts) >= 3:
                    latencies.append(int(parts[2]) / 1000)  # microseconds per transaction
        tps = next(
            float(line.split("=")[1].split()[0])
            for line in done.stdout.splitlines()
            if line.startswith("tps =")
        )
        return {
            "tps": tps,
            "transactions": len(latencies),
            "p50": statistics.median(latencies) if latencies else float("nan"),
            "p99": percentile(latencies, 99),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pool", type=int, default=2000, help="How many published ideas to support.")
    args = parser.parse_args(argv)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
    django.setup()
    from django.db import connection
    from django.db.models import Max, Min
    from django.utils import timezone

    from cocreate.accounts.models import User
    from cocreate.challenges.models import Idea, IdeaStatus, Support
    from cocreate.challenges.seed import recount_supports
    from cocreate.demo.generate import seeded_members

    print(f"machine: {machine()}")
    if connection.vendor != "postgresql":
        print("supports_write compares with pgbench: PostgreSQL only. Point DATABASE_URL at PostgreSQL.")
        return
    if shutil.which("pgbench") is None:
        sys.exit("pgbench is not installed (apt-get install postgresql-client).")
    ideas = Idea.objects.count()
    supports = Support.objects.count()
    members = User.objects.count()
    print(
        f"database: PostgreSQL {connection.pg_version // 10000}; "  # type: ignore[attr-defined]
        f"data: {ideas:,} ideas, {supports:,} supports, {members:,} members"
    )
    open_ideas = Idea.objects.filter(
        status=IdeaStatus.PUBLISHED, deadline__gte=timezone.now() + timezone.timedelta(days=1)
    ).exclude(supports__user__email__endswith="@" + BENCH_DOMAIN)
    span = open_ideas.aggregate(low=Min("pk"), high=Max("pk"))
    if span["low"] is None:
        sys.exit("No published ideas: run `cocreate seed --scale 10` first.")
    # Spread the pool over the table (ids of every age), deterministic for a given database.
    pool = list(open_ideas.order_by("pk").values_list("pk", flat=True)[: args.pool * 20])
    pool = random.Random(0).sample(pool, min(args.pool, len(pool)))
    tokens = _members(max(32, args.concurrency))
    users = seeded_members().aggregate(low=Min("pk"), high=Max("pk"))
    if users["low"] is None:
        users = User.objects.aggregate(low=Min("pk"), high=Max("pk"))
    settings = connection.settings_dict
    database = {k.lower(): str(settings[k] or "") for k in ("HOST", "PORT", "USER", "PASSWORD", "NAME")}
    before = Support.objects.filter(user__email__endswith="@" + BENCH_DOMAIN).count()
    connection.close()

    body = json.dumps({"would_buy": "yes"}).encode()

    def request(seq: int) -> tuple[str, str, bytes | None, dict[str, str]]:
        # Each sequence number is a new (member, idea) pair: every request inserts a support.
        member = seq % len(tokens)
        idea = pool[(seq // len(tokens)) % len(pool)]
        headers = {"Authorization": f"Bearer {tokens[member]}", "Content-Type": "application/json"}
        return "POST", f"/api/v1/ideas/{idea}/support", body, headers

    with running_server(workers=args.workers) as (base, log):
        _, line = server_durations(log, "/", 0)
        result = drive(
            base,
            "POST /api/v1/ideas/{id}/support",
            request,
            concurrency=args.concurrency,
            seconds=args.seconds,
            max_requests=len(tokens) * len(pool),
        )
        result.server_ms, line = server_durations(log, "/api/v1/ideas/", line)

    django.db.connection.connect()
    created = Support.objects.filter(user__email__endswith="@" + BENCH_DOMAIN).count() - before
    script = PGBENCH_SCRIPT.format(
        idea_min=span["low"], idea_max=span["high"], user_min=users["low"], user_max=users["high"]
    )
    bench = _pgbench(database, script, args.concurrency, args.seconds)
    fixed = recount_supports()

    http = result.row()
    rows = [
        {
            "path": "HTTP API (cocreate serve)",
            "transactions": result.requests,
            "errors": result.errors,
            "per s": http["req/s"],
            "client p50 ms": http["client p50 ms"],
            "client p99 ms": http["client p99 ms"],
            "server p50 ms": http["server p50 ms"],
            "server p99 ms": http["server p99 ms"],
        },
        {
            "path": "pgbench, same SQL",
            "transactions": int(bench["transactions"]),
            "errors": 0,
            "per s": round(bench["tps"], 1),
            "client p50 ms": round(bench["p50"], 2),
            "client p99 ms": round(bench["p99"], 2),
            "server p50 ms": "",
            "server p99 ms": "",
        },
    ]
    print(
        f"concurrency {args.concurrency} ({len(tokens)} members), {args.workers} server workers, "
        f"{args.seconds:g} s each; pool of {len(pool):,} published ideas; {created:,} supports created"
    )
    print_table(rows)
    ratio = bench["tps"] / result.throughput if result.throughput else float("nan")
    print(
        f"pgbench / HTTP throughput: {ratio:.1f}x; HTTP server p50 / pgbench p50: "
        f"{http['server p50 ms'] / bench['p50']:.1f}x"
        if bench["p50"]
        else ""  # type: ignore[operator]
    )
    print(f"counts set back to rows for {fixed:,} ideas that pgbench counted blindly")


if __name__ == "__main__":
    main()
