"""Read paths of the foundation under concurrent load: health check, product catalogue (API and page),
one product, the home page.

    cocreate bench http_read [--seconds 10] [--concurrency 32] [--workers 2]

Serves the database the environment points at (DATABASE_URL, else COCREATE_DATA's SQLite): seed it first,
e.g. `cocreate seed --scale 10`. Prints the data size, client throughput and latency, and server-side
latency taken from the access log.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))

from _harness import drive, machine, print_table, running_server, server_durations


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
    django.setup()
    from django.db import connection

    from cocreate.accounts.models import User
    from cocreate.brand.models import Product

    products = Product.objects.count()
    members = User.objects.count()
    print(f"machine: {machine()}")
    print(f"database: {connection.vendor}; data: {members:,} members, {products:,} products")
    if products == 0:
        sys.exit("No products: run `cocreate seed --scale 1` (or `cocreate demo --no-serve`) first.")
    connection.close()

    rows = []
    with running_server(workers=args.workers) as (base, log):
        first = json.load(urllib.request.urlopen(f"{base}/api/v1/products?limit=1"))  # noqa: S310
        product_id = first["items"][0]["id"]
        slug = first["items"][0]["slug"]
        scenarios = [
            ("GET /healthz", "/healthz"),
            ("GET /api/v1/products (25)", "/api/v1/products?limit=25"),
            ("GET /api/v1/products/{id}", f"/api/v1/products/{product_id}"),
            ("GET / (home page)", "/"),
            ("GET /products/ (page)", "/products/"),
            ("GET /products/{slug}/ (page)", f"/products/{slug}/"),
        ]
        line = 0
        for name, path in scenarios:
            _, line = server_durations(log, "/", line)
            result = drive(
                base,
                name,
                lambda _seq, p=path: ("GET", p, None, {}),
                concurrency=args.concurrency,
                seconds=args.seconds,
            )
            prefix = path.split("?")[0]
            result.server_ms, line = server_durations(log, prefix, line)
            rows.append(result.row())
    print(f"concurrency {args.concurrency}, {args.workers} server workers, {args.seconds:g} s per scenario")
    print_table(rows)


if __name__ == "__main__":
    main()
