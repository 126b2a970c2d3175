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
    """Every page a context opened gets scanned once per kind.

    A page shown by a POST (a graded answer, a form with its errors) is scanned as it loads, since it cannot be
    opened again. A page shown by a GET is scanned at the test's own checks (check_phone_page, as the member
    sees it then) or, failing that, opened again and scanned when the test ends: scanning while the test goes
    on would compete with it for the browser.
    """

    def __init__(self):
        self.visited: dict[str, str] = {}
        self.scanned: set[str] = set()
        self.problems: list[str] = []
        self.automatic = True

    def attach_page(self, page):
        method = ["GET"]  # of the request that brought the page's current document

        def request(req):
            if req.is_navigation_request() and req.frame.parent_frame is None:
                method[0] = req.method

        page.on("request", request)
        page.on("load", lambda: self._loaded(page, method[0]))

    def _loaded(self, page, method: str):
        if not self.automatic or urlsplit(page.url).scheme not in ("http", "https"):
            return
        if method == "GET":
            self.visited.setdefault(page_kind(page.url), page.url)
        else:
            self.scan(page)

    def scan(self, page, strict: bool = False):
        """Scan the page unless a page of its kind was; strict: always, and a scan that cannot run is a failure."""
        if urlsplit(page.url).scheme not in ("http", "https"):
            return
        kind = page_kind(page.url)
        if kind in self.scanned and not strict:
            return
        try:
            found = violations(page)
        except Exception as exc:  # the test navigated on while the scan ran
            if strict:
                raise AssertionError(f"axe could not scan {page.url}: {exc}") from exc
            return
        self.scanned.add(kind)
        self.problems += found

    def finish(self, context):
        """Open again and scan the pages no check scanned."""
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
