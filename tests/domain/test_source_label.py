"""One way to name where a question comes from, on member and organizer pages alike."""
from studyapp.domain.content_files import chapter_label, source_label


def test_source_label_names_the_overview_by_word_not_as_chapter_zero():
    assert source_label(4, 11) == "第4章 第11条"
    assert source_label(4) == "第4章" and source_label(4, None) == "第4章"
    assert source_label(0, 3) == "概况 第3条" and source_label(0) == "概况"
    assert "第0章" not in source_label(0, 3)


def test_chapter_label_keeps_a_title_that_names_its_chapter():
    assert chapter_label(1, "第一章 总则") == "第一章 总则"
    assert chapter_label(2, "组织设置") == "第2章 组织设置"
    assert chapter_label(0, "") == "概况"
