"""Navigation and home-page cards, contributed by each area so no template has to know them all."""
from __future__ import annotations

from dataclasses import dataclass

ALL_ROLES = ("member", "organizer", "admin")


@dataclass(frozen=True)
class Entry:
    endpoint: str
    label: str
    roles: tuple[str, ...] = ALL_ROLES
    order: int = 50
    text: str = ""  # for home cards: one line saying what is there
    also: tuple[str, ...] = ()  # other endpoints that belong to this entry (highlighted as it)


NAV: list[Entry] = []
CARDS: list[Entry] = []


def _add(target: list[Entry], entry: Entry) -> None:
    if all(existing.endpoint != entry.endpoint for existing in target):
        target.append(entry)
        target.sort(key=lambda item: item.order)


def add_nav(endpoint: str, label: str, roles=ALL_ROLES, order: int = 50, also=()) -> None:
    _add(NAV, Entry(endpoint, label, tuple(roles), order, also=tuple(also)))


def current(entries: list[Entry], endpoint: str | None, path: str, url_for) -> str | None:
    """The endpoint of the entry to highlight: the page's own entry, one that claims it, else the longest URL prefix."""
    if endpoint is None:
        return None
    for entry in entries:
        if endpoint == entry.endpoint or endpoint in entry.also:
            return entry.endpoint
    best, length = None, 1
    for entry in entries:
        url = url_for(entry.endpoint).rstrip("/")
        if len(url) > length and (path == url or path.startswith(url + "/")):
            best, length = entry.endpoint, len(url)
    return best


def add_card(endpoint: str, label: str, text: str, roles=ALL_ROLES, order: int = 50) -> None:
    _add(CARDS, Entry(endpoint, label, tuple(roles), order, text))


def visible(entries: list[Entry], role: str) -> list[Entry]:
    return [entry for entry in entries if role in entry.roles]


def bar(role: str) -> tuple[list[Entry], list[Entry]]:
    """(everyone's areas, management areas) of the navigation bar for `role`; the same on every page."""
    key = (role, len(NAV))  # areas register at import; the key changes if one registers later
    if key not in _BARS:
        entries = visible(NAV, role)
        _BARS[key] = ([e for e in entries if "member" in e.roles], [e for e in entries if "member" not in e.roles])
    return _BARS[key]


_BARS: dict[tuple[str, int], tuple[list[Entry], list[Entry]]] = {}
