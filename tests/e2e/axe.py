"""axe-core over every page the browser tests open: any serious or critical violation fails the test.

axe.min.js comes from the axe-playwright-python package (the dev extra in pyproject.toml) and is
evaluated into the page by the test through the browser's debugging protocol, so the app never serves
it and its Content-Security-Policy stays as in production.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import axe_playwright_python

AXE_JS = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
#: WCAG 2.1 A and AA plus axe's best practices, as the accessibility review used.
OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
           "resultTypes": ["violations"]}
FAILING = ("serious", "critical")

_RUN = """
async (options) => {
  const result = await axe.run(document, options);
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))}));
}
"""


def page_kind(url: str) -> str:
    """A page's kind: its path with ids replaced, so /exams/attempts/7 and /exams/attempts/9 are scanned once."""
    return re.sub(r"\d+", "N", urlsplit(url).path)


def violations(page) -> list[str]:
    """Serious and critical axe violations on the page as it is now, one line per rule and node."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS)
    found = page.evaluate(_RUN, OPTIONS)
    lines = []
    for rule in found:
        if rule["impact"] in FAILING:
            lines += [f"{page.url} [{rule['impact']}] {rule['id']} ({rule['help']}): {node}" for node in rule["nodes"]]
    return lines


class AxeWatch:
    """Scans each page once it has loaded; pages whose scan a navigation interrupted are scanned again at the end."""

    def __init__(self):
        self.visited: dict[str, str] = {}
        self.scanned: set[str] = set()
        self.problems: list[str] = []
        self.automatic = True

    def attach_page(self, page):
        page.on("load", lambda: self.scan(page) if self.automatic else None)

    def scan(self, page, strict: bool = False):
        """Scan the page unless a page of its kind was; strict: a scan that cannot run is a failure."""
        if urlsplit(page.url).scheme not in ("http", "https"):
            return
        kind = page_kind(page.url)
        self.visited.setdefault(kind, page.url)
        if kind in self.scanned and not strict:
            return
        try:
            found = violations(page)
        except Exception as exc:  # the test navigated on while the scan ran: scanned again at the end
            if strict:
                raise AssertionError(f"axe could not scan {page.url}: {exc}") from exc
            return
        self.scanned.add(kind)
        self.problems += found

    def finish(self, context):
        """Open again and scan the pages that were only passed through (redirects, quick clicks)."""
        self.automatic = False
        missed = [url for kind, url in self.visited.items() if kind not in self.scanned]
        if not missed:
            return
        page = context.new_page()
        try:
            for url in missed:
                page.goto(url)
                if page_kind(page.url) not in self.scanned:  # a redirect may land on a kind already scanned
                    self.scan(page, strict=True)
        finally:
            page.close()
