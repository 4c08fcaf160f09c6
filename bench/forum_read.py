"""Forum read paths under concurrent load: a board's first page and a thread page with about 20 replies,
as pages and (when the API serves them) as JSON, through the real HTTP stack.

    cocreate bench forum_read [--seconds 10] [--concurrency 16] [--workers 2] [--replies 20]

Serves the database the environment points at (DATABASE_URL, else COCREATE_DATA's SQLite): seed it first,
e.g. `cocreate seed --scale 1000 --rows ideas=0 --rows supports=0 --rows challenges=0` (a million members
and about a million posts). The board is the seeded board with the most threads; the threads are seeded
threads with about `--replies` replies, a different one per request (so no single row stays hot in a
cache). Prints the data size, client throughput and latency, and server-side latency from the access log.
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from _harness import drive, machine, print_table, running_server, server_durations


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--replies", type=int, default=20, help="Replies on the threads read (about).")
    parser.add_argument("--pool", type=int, default=500, help="How many such threads to spread reads over.")
    args = parser.parse_args(argv)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
    django.setup()
    from django.db import connection
    from django.db.models import Sum

    from cocreate.accounts.models import User
    from cocreate.community.models import Board, Thread
    from cocreate.community.seed import seeded_boards

    boards = Board.objects.count()
    threads = Board.objects.aggregate(n=Sum("thread_count"))["n"] or 0
    posts = Board.objects.aggregate(n=Sum("post_count"))["n"] or 0
    members = User.objects.count()
    print(f"machine: {machine()}")
    print(
        f"database: {connection.vendor}; data: {members:,} members, {boards:,} boards, "
        f"{threads:,} threads, {posts:,} posts (threads + replies)"
    )
    busiest = (seeded_boards().order_by("-thread_count").first()) or Board.objects.order_by(
        "-thread_count"
    ).first()
    if busiest is None or not busiest.thread_count:
        sys.exit("No forum posts: run `cocreate seed` (see --help) or `cocreate demo --no-serve` first.")
    quiet = Board.objects.filter(thread_count__gt=0).order_by("thread_count").first()
    low, high = max(1, args.replies - 2), args.replies + 2
    pool = list(
        Thread.objects.filter(
            discussion__comment_count__gte=low,
            discussion__comment_count__lte=high,
            hidden_at__isnull=True,
            deleted_at__isnull=True,
        )
        .order_by("-id")
        .values_list("pk", flat=True)[: args.pool]
    )
    if not pool:
        sys.exit(f"No thread with {low}–{high} replies; seed more data.")
    print(
        f"board: {busiest.name!r} ({busiest.thread_count:,} threads); "
        f"{len(pool)} threads with {low}–{high} replies"
    )
    connection.close()

    scenarios = [
        (f"page: board first page ({busiest.thread_count:,} threads)", f"/community/{busiest.slug}/", None),
        (f"page: thread with ~{args.replies} replies", "/community/t/", pool),
    ]
    if quiet is not None and quiet.pk != busiest.pk:
        scenarios.insert(
            1, (f"page: board first page ({quiet.thread_count:,} threads)", f"/community/{quiet.slug}/", None)
        )

    rows = []
    with running_server(workers=args.workers) as (base, log):
        import http.client

        host, port = base.removeprefix("http://").split(":")
        probe = http.client.HTTPConnection(host, int(port), timeout=10)
        for path in (f"/api/v1/boards/{busiest.slug}/threads", f"/api/v1/threads/{pool[0]}"):
            probe.request("GET", path)
            response = probe.getresponse()
            response.read()
            if response.status == 200:
                name = "API: board threads" if "boards" in path else "API: one thread"
                prefix = path if "boards" in path else "/api/v1/threads/"
                scenarios.append((name, prefix, None if "boards" in path else pool))
        probe.close()

        line = 0
        for name, path, ids in scenarios:
            _, line = server_durations(log, "/", line)

            def request(
                seq: int, p: str = path, ids: list[int] | None = ids
            ) -> tuple[str, str, None, dict[str, str]]:
                if ids is None:
                    return "GET", p, None, {}
                suffix = "/" if p.startswith("/community/") else ""
                return "GET", f"{p}{ids[seq % len(ids)]}{suffix}", None, {}

            result = drive(base, name, request, concurrency=args.concurrency, seconds=args.seconds)
            result.server_ms, line = server_durations(log, path, line)
            rows.append(result.row())
    print(f"concurrency {args.concurrency}, {args.workers} server workers, {args.seconds:g} s per scenario")
    print_table(rows)


if __name__ == "__main__":
    main()
