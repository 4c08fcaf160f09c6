"""Feedback themes: re-cluster N generated posts, then time assigning new posts to the nearest theme.

    cocreate bench themes [--posts 100000] [--assign 1000] [--seed 7] [--service]

Without `--service` no database is needed: the posts come from the demo's feedback generator (reviews,
suggestions, bug reports and questions, as `cocreate seed` writes them), and the figures are those of the
library the re-clustering service runs (`cocreate.intelligence.clustering`): tokenising and TF-IDF,
randomized SVD, choosing k, spherical k-means, key terms. Assignment is what `thread_analyse` does for each
new post: embed the text with the run's model and compare it with every centroid.

With `--service`, the feedback already in the database (DATABASE_URL or COCREATE_DATA; seed it first with
`cocreate seed`) is re-clustered through `services.themes.recluster` (reading the posts, writing themes and
every post's theme), and `thread_analyse` is timed on existing posts (sentiment and theme written back).
It changes the themes of that database: do not point it at one whose themes matter.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from _harness import machine, percentile, print_table


def library(args: argparse.Namespace) -> None:
    import numpy as np

    from cocreate.demo.text import FeedbackTextFactory
    from cocreate.intelligence import clustering

    factory = FeedbackTextFactory(random.Random(args.seed))
    started = time.perf_counter()
    posts = [factory.feedback() for _ in range(args.posts)]
    texts = [clustering.feedback_document(p.title, p.body) for p in posts]
    print(f"generated {len(texts):,} posts in {time.perf_counter() - started:.1f} s")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    started = time.perf_counter()
    result = clustering.cluster(texts, seed=0)
    took = time.perf_counter() - started
    grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    unsorted = int((result.labels < 0).sum())
    print(
        f"re-clustered {len(texts):,} posts in {took:.1f} s: {len(result.clusters)} themes, "
        f"{len(result.model.terms):,} terms, {result.model.dimensions} dimensions, {unsorted:,} unsorted; "
        f"peak RSS grew {grew:.0f} MB"
    )
    for found in sorted(result.clusters, key=lambda c: -c.size)[:8]:
        print(f"  {found.size:>6,}  {found.label}")

    new = [factory.feedback() for _ in range(args.assign)]
    centroids = result.centroids
    latencies = []
    joined = 0
    for post in new:
        began = time.perf_counter()
        vector, coverage = result.model.embed(clustering.feedback_document(post.title, post.body))
        found = clustering.assign(vector, centroids, coverage=coverage)
        latencies.append((time.perf_counter() - began) * 1000)
        joined += found is not None
    print_table(
        [
            {
                "step": "assign a new post (embed + nearest centroid)",
                "posts": len(latencies),
                "joined a theme": joined,
                "p50 ms": round(percentile(latencies, 50), 3),
                "p95 ms": round(percentile(latencies, 95), 3),
                "p99 ms": round(percentile(latencies, 99), 3),
                "max ms": round(max(latencies), 3),
            }
        ]
    )
    del np


def service(args: argparse.Namespace) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
    django.setup()
    from django.db import connection

    from cocreate.community.models import FEEDBACK_KINDS, Thread
    from cocreate.community.services import themes

    corpus = Thread.objects.filter(kind__in=FEEDBACK_KINDS, hidden_at__isnull=True, deleted_at__isnull=True)
    print(f"database: {connection.vendor}; feedback posts: {corpus.count():,}")
    started = time.perf_counter()
    run = themes.recluster()
    took = time.perf_counter() - started
    print(
        f"services.themes.recluster: {run.status} in {took:.1f} s "
        f"({run.documents:,} posts, {run.themes} themes)"
    )
    if run.status != "done":
        print(run.error)
        return
    ids = list(corpus.order_by("-id").values_list("pk", flat=True)[: args.assign])
    Thread.objects.filter(pk__in=ids).update(theme=None, theme_similarity=None)
    themes.current_model()  # loaded once per process, as a worker does
    latencies = []
    for pk in ids:
        began = time.perf_counter()
        themes.thread_analyse(thread_id=pk)
        latencies.append((time.perf_counter() - began) * 1000)
    print_table(
        [
            {
                "step": "thread_analyse (read, sentiment, nearest theme, write)",
                "posts": len(latencies),
                "p50 ms": round(percentile(latencies, 50), 2),
                "p95 ms": round(percentile(latencies, 95), 2),
                "p99 ms": round(percentile(latencies, 99), 2),
            }
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--assign", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--service", action="store_true", help="re-cluster the database's posts instead")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
    if args.service:
        service(args)
    else:
        library(args)


if __name__ == "__main__":
    main()
