"""The README's JSON API section lists every operation of /api/v1/openapi.json (and nothing else) under a
heading per tag, each tag with one example: a partner team reads the README first."""
from __future__ import annotations

import re
from pathlib import Path

from studyapp.web.api.openapi import document

README = Path(__file__).resolve().parents[2] / "README.md"
LISTED = re.compile(r"^- `(GET|POST|PUT|DELETE|PATCH) (/\S*)` \((\w+)\)", re.M)


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## JSON API\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def _by_tag() -> dict[str, str]:
    """Each "### API: <tag>" subsection's text, by tag."""
    parts = re.split(r"^### API: (\S+)\n", _section(), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def test_every_operation_is_listed_under_its_tag_with_its_operation_id():
    documented = {(method.upper(), path, op["operationId"], op["tags"][0])
                  for path, item in document()["paths"].items() for method, op in item.items()}
    listed = {(method, path, op_id, tag) for tag, text in _by_tag().items()
              for method, path, op_id in LISTED.findall(text)}
    assert documented - listed == set(), "operations missing from README's JSON API section (or under another tag)"
    assert listed - documented == set(), "README lists operations the API does not have"


def test_every_tag_has_one_example():
    sections = _by_tag()
    assert set(sections) == {tag["name"] for tag in document()["tags"]}
    for tag, text in sections.items():
        assert text.count("```sh\ncurl ") == 1, tag
