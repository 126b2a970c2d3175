"""Links into the study pages, built in one place so practice, the wrong-answer book and reviews agree."""
from __future__ import annotations

from urllib.parse import quote

from flask import request


def article_url(module_slug: str, chapter_number: int, article_number: int | None = None) -> str:
    """The chapter page, scrolled to the article: /study/<slug>/<chapter>#art-<n>."""
    url = f"{request.script_root}/study/{quote(module_slug, safe='')}/{int(chapter_number)}"
    return f"{url}#art-{int(article_number)}" if article_number is not None else url
