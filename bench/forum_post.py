"""Posting in the forum at a steady rate: new threads and replies through the HTTP API, paced to a target
rate (default 100 posts/s) for a sustained period by several client threads.

    cocreate bench forum_post [--rate 100] [--seconds 60] [--concurrency 16] [--workers 2]
                              [--members 1500] [--reply-share 0.5] [--check]

Each request is due at start + n / rate; a client thread that falls behind sends at once, so latency is
measured from the moment a post was due (a slow server shows up as latency, not as a lower rate quietly
kept). Posts come from `--members` bench members (created once, @bench.cocreate.example, a fresh API token
each run), in turn: with the default 1,500 members at 100/s each posts every 15 s, under the per-member
limits (3 threads and 6 replies a minute, 30 threads an hour), which stay on. Threads go to the seeded
boards (discussions, questions, suggestions and bug reports: a review is once per member and product);
replies go to recent seeded threads. `--check` recounts every seeded board and discussion afterwards:
zero rows changed means the counters kept up exactly under concurrent posting.

Seed first, e.g. `cocreate seed --scale 1000 --rows ideas=0 --rows supports=0 --rows challenges=0`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))

from _harness import LoadResult, machine, percentile, print_table, running_server, server_durations

BENCH_DOMAIN = "bench.cocreate.example"
KINDS = ["discussion", "question", "suggestion", "bug"]


def _tokens(count: int) -> list[str]:
    """Bearer tokens of `count` bench members: created in bulk on the first run (the sign-up path is not
    what is measured), each with a fresh token per run; the previous run's tokens are revoked."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from cocreate.accounts import services
    from cocreate.accounts.models import ApiToken, Role, User

    emails = [f"poster{n}@{BENCH_DOMAIN}" for n in range(count)]
    known = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    unusable = make_password(None)
    User.objects.bulk_create(
        [
            User(
                email=e,
                display_name=f"Bench poster {e[6:].split('@')[0]}",
                role=Role.MEMBER,
                password=unusable,
            )
            for e in emails
            if e not in known
        ],
        batch_size=1000,
    )
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users.values()],
        ignore_conflicts=True,
        batch_size=1000,
    )
    ApiToken.objects.filter(user__in=users.values(), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return [
        services.token_create(actor=users[e], user=users[e], name="forum_post bench").secret for e in emails
    ]


def paced(
    base_url: str,
    name: str,
    make_request: object,
    *,
    rate: float,
    seconds: float,
    concurrency: int,
) -> tuple[LoadResult, float]:
    """Send request n at start + n / rate from `concurrency` keep-alive clients; returns the result and
    the achieved rate (successful posts per second over the run)."""
    host, port = base_url.removeprefix("http://").split(":")
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    statuses: dict[int, int] = {}
    seq = [0]
    total = int(rate * seconds)
    start = time.perf_counter() + 0.5
    finished = [start]

    def worker() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        local: list[float] = []
        while True:
            with lock:
                n = seq[0]
                seq[0] += 1
            if n >= total:
                break
            due = start + n / rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            method, path, body, headers = make_request(n)  # type: ignore[operator]
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
                status = 0
            done = time.perf_counter()
            local.append((done - due) * 1000)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status != 201:
                    errors[0] += 1
                finished[0] = max(finished[0], done)
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = finished[0] - start
    result = LoadResult(
        name=name, requests=len(latencies), errors=errors[0], seconds=elapsed, latencies_ms=latencies
    )
    if set(statuses) - {201}:
        print(f"answers by status: {dict(sorted(statuses.items()))}")
    achieved = (len(latencies) - errors[0]) / elapsed if elapsed > 0 else 0.0
    return result, achieved


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=100, help="Target posts per second.")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--members", type=int, default=1500)
    parser.add_argument("--reply-share", type=float, default=0.5, help="Share of posts that are replies.")
    parser.add_argument("--pool", type=int, default=5000, help="How many recent threads take replies.")
    parser.add_argument("--check", action="store_true", help="Recount the counters afterwards.")
    args = parser.parse_args(argv)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
    django.setup()
    from django.db import connection
    from django.db.models import Sum

    from cocreate.accounts.models import User
    from cocreate.community.models import Board, Thread
    from cocreate.community.seed import recount, seeded_boards
    from cocreate.demo.text import ForumTextFactory
    from cocreate.discussions.models import Comment

    boards = list(seeded_boards().filter(archived=False).values_list("slug", flat=True))
    posts = Board.objects.aggregate(n=Sum("post_count"))["n"] or 0
    members = User.objects.count()
    print(f"machine: {machine()}")
    print(
        f"database: {connection.vendor}; data: {members:,} members, {Thread.objects.count():,} threads, "
        f"{posts:,} posts (threads + replies)"
    )
    if not boards:
        sys.exit("No seeded boards: run `cocreate seed` first (see --help).")
    pool = list(
        Thread.objects.filter(board__slug__in=boards, hidden_at__isnull=True, deleted_at__isnull=True)
        .order_by("-id")
        .values_list("pk", flat=True)[: args.pool]
    )
    tokens = _tokens(args.members)
    bench_users = User.objects.filter(email__endswith="@" + BENCH_DOMAIN)
    before = (
        Thread.objects.filter(author__in=bench_users).count(),
        Comment.objects.filter(author__in=bench_users).count(),
    )
    connection.close()

    # Bodies are made before the run so the load generator spends its CPU on sending.
    rng = random.Random(5)
    texts = ForumTextFactory(rng)
    count = int(args.rate * args.seconds)
    plans: list[tuple[str, str, bytes]] = []
    for _ in range(count):
        if rng.random() < args.reply_share and pool:
            body = {"body": texts.reply(rng.choice(KINDS))}
            plans.append(("reply", f"/api/v1/threads/{rng.choice(pool)}/posts", json.dumps(body).encode()))
        else:
            kind = rng.choice(KINDS)
            if kind == "discussion":
                post = texts.discussion()
                body = {"kind": kind, "title": post.title, "body": post.body}
            else:
                feedback = texts.feedback(kind)
                body = {"kind": kind, "title": feedback.title, "body": feedback.body}
            path = f"/api/v1/boards/{rng.choice(boards)}/threads"
            plans.append(("thread", path, json.dumps(body).encode()))

    def request(n: int) -> tuple[str, str, bytes, dict[str, str]]:
        _kind, path, body = plans[n]
        headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}", "Content-Type": "application/json"}
        return "POST", path, body, headers

    with running_server(workers=args.workers) as (base, log):
        _, line = server_durations(log, "/", 0)
        result, achieved = paced(
            base,
            "POST threads and replies (API)",
            request,
            rate=args.rate,
            seconds=args.seconds,
            concurrency=args.concurrency,
        )
        time.sleep(0.5)  # the last access-log lines
        threads_ms, _ = server_durations(log, "/api/v1/boards/", line)
        replies_ms, _ = server_durations(log, "/api/v1/threads/", line)
        result.server_ms = threads_ms + replies_ms

    django.db.connection.connect()
    after = (
        Thread.objects.filter(author__in=bench_users).count(),
        Comment.objects.filter(author__in=bench_users).count(),
    )
    rows = [
        {
            **result.row(),
            "achieved posts/s": round(achieved, 1),
            "server p99 threads ms": round(percentile(threads_ms, 99), 2),
            "server p99 replies ms": round(percentile(replies_ms, 99), 2),
        }
    ]
    print(
        f"target {args.rate:g}/s for {args.seconds:g} s, {args.concurrency} client threads, "
        f"{args.workers} server workers, {len(tokens):,} members; "
        f"{after[0] - before[0]:,} threads and {after[1] - before[1]:,} replies written"
    )
    print_table(rows)
    if args.check:
        print(f"counters recounted: {recount():,} boards or discussions were off")


if __name__ == "__main__":
    main()
