"""Idea read paths under concurrent load: the first page of each sort and of a search, as JSON and as the
page, and one idea (JSON and page) picked at random among published ones.

    cocreate bench ideas_read [--seconds 8] [--concurrency 32] [--workers 2] [--only api|web]

Serves the database the environment points at (DATABASE_URL, else COCREATE_DATA's SQLite): seed it first,
e.g. `cocreate seed --scale 10` (10,000 ideas, about 100,000 supports). Prints the data size, client
throughput and latency, and server-side latency (p50/p95/p99) from the access log.
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from _harness import drive, machine, print_table, running_server, server_durations

SORTS = ["trending", "most_supported", "newest", "ending_soon"]
# A word most ideas of one theme use, and two words that narrow it down.
SEARCHES = ["lighthouse", "tram depot"]
SAMPLE = 500


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=["api", "web"], default=None)
    args = parser.parse_args(argv)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
    django.setup()
    from django.db import connection

    from cocreate.accounts.models import User
    from cocreate.challenges.models import Idea, IdeaStatus, Support

    ideas = Idea.objects.count()
    supports = Support.objects.count()
    members = User.objects.count()
    print(f"machine: {machine()}")
    print(f"database: {connection.vendor}; data: {ideas:,} ideas, {supports:,} supports, {members:,} members")
    if ideas == 0:
        sys.exit("No ideas: run `cocreate seed --scale 10` first.")
    # Random published ideas, spread over the table, so idea reads do not hit one hot row.
    last = Idea.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    step = max(1, last // (SAMPLE * 2))
    picks = list(
        Idea.objects.filter(status=IdeaStatus.PUBLISHED, pk__in=range(1, last + 1, step)).values_list(
            "pk", "slug"
        )[:SAMPLE]
    ) or list(Idea.objects.values_list("pk", "slug")[:SAMPLE])
    connection.close()

    scenarios: list[tuple[str, list[str]]] = []
    if args.only != "web":
        scenarios += [(f"API ideas sort={s} (25)", [f"/api/v1/ideas?sort={s}&limit=25"]) for s in SORTS]
        scenarios += [
            (f"API ideas q={q!r} (25)", [f"/api/v1/ideas?q={q.replace(' ', '+')}"]) for q in SEARCHES
        ]
        scenarios.append(("API idea {id}", [f"/api/v1/ideas/{pk}" for pk, _slug in picks]))
    if args.only != "api":
        scenarios += [(f"page /ideas/?sort={s}", [f"/ideas/?sort={s}"]) for s in SORTS]
        scenarios += [(f"page /ideas/?q={q!r}", [f"/ideas/?q={q.replace(' ', '+')}"]) for q in SEARCHES]
        scenarios.append(("page /ideas/{id}/{slug}/", [f"/ideas/{pk}/{slug}/" for pk, slug in picks]))

    rows = []
    with running_server(workers=args.workers) as (base, log):
        line = 0
        for name, paths in scenarios:
            _, line = server_durations(log, "/", line)
            result = drive(
                base,
                name,
                lambda seq, p=paths: ("GET", p[seq % len(p)], None, {}),
                concurrency=args.concurrency,
                seconds=args.seconds,
            )
            prefix = paths[0].split("?")[0]
            if "{id}" in name:
                prefix = prefix.rsplit("/", 3 if name.startswith("page") else 1)[0] + "/"
            result.server_ms, line = server_durations(log, prefix, line)
            rows.append(result.row())
    print(f"concurrency {args.concurrency}, {args.workers} server workers, {args.seconds:g} s per scenario")
    print_table(rows)


if __name__ == "__main__":
    main()
