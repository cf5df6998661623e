"""Drive ``graph.html`` in headless Chromium: for the tests, the benchmark and the README picture
(``make screenshot``: ``python -m tests.browser GRAPH_HTML OUT_PNG`` from the repository).

Uses Python Playwright (the ``dev`` extra) with the system's Chromium
(``/usr/bin/chromium`` from Debian, or ``$KG_CHROMIUM``): Playwright's own
browser download is not needed.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
#: Flags for a quiet headless Chromium: no sandbox (root in CI), no background
#: connections (the machine's network is closed, and the offline test counts requests).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]

# Where on the screen an edge can be clicked: a point along it that no node covers.
_EDGE_POINT_JS = """([id, fit]) => {
  const net = window.kgExplorer.network, e = window.kgExplorer.edges.get(id);
  if (fit) net.fit({ nodes: [e.from, e.to], animation: false });
  const p = net.getPositions([e.from, e.to]), a = p[e.from], b = p[e.to];
  for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {
    const dom = net.canvasToDOM({ x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) });
    if (net.getNodeAt(dom) === undefined && net.getEdgeAt(dom) === id) return dom;
  }
  return null;
}"""


@contextlib.contextmanager
def headless_chromium() -> Iterator["playwright.sync_api.Browser"]:  # noqa: F821
    """A Playwright ``Browser`` on the system's headless Chromium."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"{CHROMIUM}: no Chromium (apt-get install chromium, or set KG_CHROMIUM)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def wait_until_drawn(page, timeout_ms: float = 30_000) -> float:
    """Wait for the page's first drawing; seconds from navigation to it."""
    page.wait_for_function("window.kgReadyAt !== undefined", timeout=timeout_ms)
    return page.evaluate("window.kgReadyAt") / 1000.0


def open_page(browser, html: str | os.PathLike, width: int = 1400, height: int = 900):
    """A new page showing the ``html`` file, once the graph is drawn."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(Path(html).resolve().as_uri())
    wait_until_drawn(page)
    return page


def click_edge(page, edge_id: int, fit: bool = True) -> None:
    """Click edge ``edge_id`` with the mouse, as a reader would (zoomed onto it if ``fit``)."""
    point = page.evaluate(_EDGE_POINT_JS, [edge_id, fit])
    if point is None:
        raise LookupError(f"edge {edge_id} has no clickable point in view")
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def screenshot(html: str | os.PathLike, png: str | os.PathLike, width: int = 1400, height: int = 900) -> Path:
    """Write a PNG of the page with its best-supported partnership edge opened in the side panel."""
    png = Path(png)
    png.parent.mkdir(parents=True, exist_ok=True)
    with headless_chromium() as browser:
        page = open_page(browser, html, width, height)
        strongest = page.evaluate(
            "() => window.kgExplorer.data.edges.filter(e => e.relation === 'partnership')"
            ".sort((a, b) => b.weight - a.weight || a.id - b.id).map(e => e.id)"
        )
        for edge_id in strongest:
            with contextlib.suppress(LookupError):
                click_edge(page, edge_id, fit=False)
                break
        page.mouse.move(0, 0)  # no hover tooltip in the picture
        page.screenshot(path=str(png))
    return png


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 3:
        sys.exit("usage: python -m tests.browser GRAPH_HTML OUT_PNG")
    print(screenshot(sys.argv[1], sys.argv[2]))
