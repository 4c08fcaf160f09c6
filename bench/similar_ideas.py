"""Similar ideas as a member types: build the TF-IDF index over N generated ideas, then time queries.

    cocreate bench similar_ideas [--ideas 100000] [--queries 500] [--seed 7]

Needs no database: the index is what answers `similar_ideas`, and the selector's own cost on top of it is
one small query for the visible ideas among the candidates. Queries are new ideas from the same generator
(title and description, as the submit form sends them), so they share vocabulary with the index as real
duplicates would. Prints the machine, the build time, the index size, and query latency p50/p95/p99.
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    from cocreate.demo.text import IdeaTextFactory
    from cocreate.intelligence.similarity import build_index, idea_document

    factory = IdeaTextFactory(random.Random(args.seed))
    print(f"machine: {machine()}")
    started = time.perf_counter()
    texts = [idea_document(t.title, t.description) for t in (factory.idea() for _ in range(args.ideas))]
    generated = time.perf_counter() - started
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    started = time.perf_counter()
    index = build_index(enumerate(texts, start=1))
    build = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    arrays = (index.offsets, index.slots, index.weights, index.doc_ids, index.df)
    array_mb = sum(a.nbytes for a in arrays) / 2**20
    grew_mb = (rss_after - rss_before) / 1024
    print(
        f"ideas: {len(index):,}; terms: {len(index.vocabulary):,}; postings: {len(index.slots):,} "
        f"({array_mb:.0f} MB of arrays; peak RSS grew {grew_mb:.0f} MB in the build)"
    )
    print(f"generated the texts in {generated:.1f} s; built the index in {build:.1f} s")

    queries = []
    for _ in range(args.queries):
        text = factory.idea()
        queries.append(idea_document(text.title, text.description))
    index.query(queries[0], k=5)  # warm the word cache as a running process would be
    rows = []
    for name, make in (
        ("title + description", lambda q: q),
        ("title only (first keystrokes)", lambda q: q.split("\n", 1)[0]),
    ):
        latencies = []
        for query in queries:
            text = make(query)
            started = time.perf_counter()
            index.query(text, k=50)
            latencies.append((time.perf_counter() - started) * 1000)
        rows.append(
            {
                "query": name,
                "queries": len(latencies),
                "p50 ms": round(percentile(latencies, 50), 2),
                "p95 ms": round(percentile(latencies, 95), 2),
                "p99 ms": round(percentile(latencies, 99), 2),
                "max ms": round(max(latencies), 2),
            }
        )
    # An incremental refresh: 1% of the ideas edited, then folded back into the arrays.
    edits = [(i, queries[i % len(queries)]) for i in range(1, max(2, args.ideas // 100))]
    started = time.perf_counter()
    refreshed = index.updated(edits)
    update = time.perf_counter() - started
    started = time.perf_counter()
    refreshed.compacted()
    compact = time.perf_counter() - started
    print(f"refresh: {len(edits):,} edited ideas applied in {update:.2f} s, compacted in {compact:.2f} s")
    print_table(rows)


if __name__ == "__main__":
    main()
