"""Accessibility and layout checks run inside the page: plain DOM queries, and axe-core (tests/e2e/axe.py)."""
from __future__ import annotations

_UNLABELLED_FIELDS = """
() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => {
    if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) return false;
    if (el.labels && el.labels.length) return false;  // label[for] or a wrapping <label>
    return true;
  })
  .map(el => el.outerHTML.slice(0, 160))
"""

_NAMELESS_CONTROLS = """
() => Array.from(document.querySelectorAll('a[href], button, [role=button]'))
  .filter(el => el.offsetParent !== null)
  .filter(el => {
    const name = (el.getAttribute('aria-label') || '') + (el.textContent || '') + (el.getAttribute('title') || '');
    if (name.trim()) return false;
    const by = el.getAttribute('aria-labelledby');
    if (by && document.getElementById(by) && document.getElementById(by).textContent.trim()) return false;
    return !el.querySelector('img[alt]:not([alt=""])');
  })
  .map(el => el.outerHTML.slice(0, 160))
"""

# Inline links inside running text are exempt (WCAG 2.5.8 exception for inline targets).
_SMALL_TARGETS = """
(min) => Array.from(document.querySelectorAll(
    '#main button, #main input:not([type=hidden]), #main select, #main textarea, #main a.btn, #main a[href]'))
  .filter(el => el.offsetParent !== null)
  .filter(el => !(el.tagName === 'A' && el.closest('p, li:not([class]), dd, td, .reader, .form-text, .crumbs, label')
                  && !el.classList.contains('btn')))
  .filter(el => !(el.type === 'radio' || el.type === 'checkbox') || !el.closest('label'))
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.height < min - 0.5)
  .map(([el, box]) => `${Math.round(box.height)}px: ${el.outerHTML.slice(0, 140)}`)
"""


def assert_labelled(page):
    """Every visible form field has a label (label[for]/wrapping label, aria-label or aria-labelledby)."""
    missing = page.evaluate(_UNLABELLED_FIELDS)
    assert not missing, f"fields without a label on {page.url}:\n" + "\n".join(missing)


def assert_named(page):
    """Every visible link and button has an accessible name."""
    nameless = page.evaluate(_NAMELESS_CONTROLS)
    assert not nameless, f"controls without a name on {page.url}:\n" + "\n".join(nameless)


def assert_tap_targets(page, minimum=44):
    small = page.evaluate(_SMALL_TARGETS, minimum)
    assert not small, f"tap targets under {minimum}px on {page.url}:\n" + "\n".join(small)


def assert_no_horizontal_overflow(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    if width > viewport:
        culprits = page.evaluate("""(w) => Array.from(document.querySelectorAll('body *'))
            .filter(el => el.getBoundingClientRect().right > w + 1)
            .slice(0, 5).map(el => el.outerHTML.slice(0, 120))""", viewport)
        raise AssertionError(f"page {page.url} is {width}px wide on a {viewport}px screen:\n" + "\n".join(culprits))


def check_phone_page(page, shot=None, name=None):
    """The basics every page of the member journey must meet on a 390px phone."""
    page.wait_for_load_state("load")  # measure with every stylesheet applied
    assert_no_horizontal_overflow(page)
    assert_labelled(page)
    assert_named(page)
    assert_tap_targets(page)
    watch = getattr(page.context, "watch", None)
    if watch is not None:  # axe over the page as it is now (an open dialog, a chosen answer), not only as loaded
        watch.axe.scan(page, strict=True)
    if shot and name:
        shot(page, name)


def font_size(locator) -> float:
    return float(locator.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
