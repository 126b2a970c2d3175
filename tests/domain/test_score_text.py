"""One way to write a score, on member and organizer pages and in exports."""
from studyapp.domain.score_text import points, score_text, verdict


def test_scores_read_as_people_write_them():
    assert score_text(86, True) == "86 分 · 及格"
    assert score_text(7.5, False, 10) == "7.5 / 10 分 · 不及格"
    assert score_text(3.333, None) == "3.33 分"
    assert score_text(None, True) == "—"
    assert points(10.0) == "10" and points(None) == "—"
    assert (verdict(True), verdict(False), verdict(None)) == ("及格", "不及格", "")
