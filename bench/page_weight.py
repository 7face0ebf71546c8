"""What a first visit to a page costs: every request Chromium makes, compressed bytes on the wire.

    .venv/bin/python bench/page_weight.py http://127.0.0.1:8765 / /articles/some-guide/

Prints one JSON object per page: transferred bytes (headers + compressed bodies, cache off),
the number of requests, and any request to another origin (there must be none).
"""

import json
import sys
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def weigh(browser, base: str, path: str) -> dict:
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    requests = []
    page.on("requestfinished", lambda request: requests.append(request))
    page.goto(base + path, wait_until="networkidle")
    origin = urlsplit(base).netloc
    items, foreign = [], []
    for request in requests:
        sizes = request.sizes()
        response = request.response()
        transferred = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        url = urlsplit(request.url)
        if url.scheme in ("http", "https") and url.netloc != origin:
            foreign.append(request.url)
        items.append(
            {
                "path": url.path,
                "status": response.status if response else None,
                "encoding": (response.headers.get("content-encoding") if response else None)
                or "identity",
                "bytes": transferred,
            }
        )
    context.close()
    return {
        "page": path,
        "requests": len(items),
        "transferred_bytes": sum(item["bytes"] for item in items),
        "third_party_requests": foreign,
        "items": items,
    }


def main(base: str, paths: list[str]) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for path in paths:
            print(json.dumps(weigh(browser, base.rstrip("/"), path)))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
