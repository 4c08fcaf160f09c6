"""Screenshots of a running Cocreate for the README: the home page and one product page.

    cocreate demo --no-serve && cocreate serve --port 18321 &
    python scripts/screenshot.py http://127.0.0.1:18321 docs/img

writes docs/img/demo-home.png and docs/img/demo-product.png (1280×800, headless Debian Chromium).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import ConsoleMessage, Page, Request, Response, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
PRODUCT_HREF = re.compile(r"^(?:https?://[^/]+)?/products/[^/?#]+/$")


def first_product_url(page: Page) -> str:
    for href in page.locator("main a[href]").evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        if PRODUCT_HREF.match(href):
            return urljoin(page.url, href)
    raise SystemExit(f"no product link on {page.url}; is the demo seeded (cocreate demo --no-serve)?")


def shoot(page: Page, url: str, out: Path, full_page: bool) -> None:
    response = page.goto(url, wait_until="networkidle")
    if response is None or response.status != 200:
        raise SystemExit(f"{url} answered {response.status if response else 'nothing'}")
    page.screenshot(path=str(out), full_page=full_page)
    print(f"{out} ← {url}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:18321")
    parser.add_argument("out_dir", type=Path, help="folder for the PNGs, e.g. docs/img")
    parser.add_argument("--prefix", default="demo", help="file names: PREFIX-home.png, PREFIX-product.png")
    parser.add_argument("--product", help="product slug (default: the first product on the home page)")
    parser.add_argument("--full-page", action="store_true", help="capture the whole page, not 1280×800")
    args = parser.parse_args(argv)

    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium", file=sys.stderr)
        return 1
    base = args.base_url.rstrip("/") + "/"
    args.out_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            # A fixed scale and colour scheme keep screenshots comparable from one machine to the next.
            context = browser.new_context(
                viewport={"width": 1280, "height": 800}, device_scale_factor=1, color_scheme="light"
            )
            page = context.new_page()
            # A missing stylesheet or a script blocked by the CSP still yields a picture, just a wrong one.
            broken: dict[str, None] = {}

            def on_response(response: Response) -> None:
                if response.status >= 400:
                    broken[f"{response.status} {response.url}"] = None

            def on_failed(request: Request) -> None:
                broken[f"failed {request.url} ({request.failure})"] = None

            def on_console(message: ConsoleMessage) -> None:
                if message.type == "error":
                    broken[f"console: {message.text}"] = None

            page.on("response", on_response)
            page.on("requestfailed", on_failed)
            page.on("console", on_console)
            shoot(page, base, args.out_dir / f"{args.prefix}-home.png", args.full_page)
            product = urljoin(base, f"products/{args.product}/") if args.product else first_product_url(page)
            shoot(page, product, args.out_dir / f"{args.prefix}-product.png", args.full_page)
        finally:
            browser.close()
    for failure in broken:
        print(f"broken: {failure}", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
