"""The reading-time stamp (web/sealed.py) is signed as itsdangerous's URLSafeSerializer signs it, without
its zlib attempt; stamps in either form are read; the chapter page's reporting URL is url_for's."""
import html
import re
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

from flask import url_for
from itsdangerous import URLSafeSerializer

from studyapp.web import sealed

OPENED = datetime(2026, 12, 3, 18, 0, 0, 123456, tzinfo=timezone.utc)


def test_a_stamp_is_the_one_urlsafeserializer_makes(app):
    with app.app_context():
        plain = URLSafeSerializer(app.config["SECRET_KEY"], salt="study-time-opened")
        stamp = sealed.reading_stamp(7, 42, OPENED)
        assert stamp == plain.dumps({"u": 7, "c": 42, "o": OPENED.timestamp()})
        assert sealed.opened_at(stamp, 7, 42) == OPENED
        assert sealed.opened_at(stamp, 7, 43) is None and sealed.opened_at(stamp, 8, 42) is None


def test_a_compressed_stamp_still_reads(app):
    with app.app_context():
        plain = URLSafeSerializer(app.config["SECRET_KEY"], salt="study-time-opened")
        compressed = plain.dumps({"u": 7, "c": 42, "o": OPENED.timestamp(), "pad": "x" * 200})
        assert compressed.startswith(".")
        assert sealed.opened_at(compressed, 7, 42) == OPENED


def test_the_chapter_page_time_url_is_the_one_url_for_builds(app, client, auth, member_a, content_dir, load):
    load(content_dir)
    auth.login(member_a)
    page = client.get("/study/test-mod/2").get_data(as_text=True)
    url = html.unescape(re.search(r'data-time-url="([^"]+)"', page).group(1))
    stamp = parse_qs(urlsplit(url).query)["t"][0]
    with app.test_request_context():
        assert url == url_for("study.record_time", slug="test-mod", number=2, t=stamp)
