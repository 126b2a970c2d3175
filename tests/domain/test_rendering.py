"""Rendering: stable article anchors, Chinese heading ids, and sanitizing."""
from studyapp.domain.numerals import parse_chinese_number
from studyapp.domain.rendering import article_number, render_chapter, render_markdown

CHAPTER = """开篇的话。

## 第十一条 党员大会

党员大会一般每季度召开1次。

### 要点

要点一。

## 第二十三条 某条

正文二十三。

### 要点

要点二。

## 学习提示

最后一节[^a]。

[^a]: 脚注内容。
"""


def test_chinese_numerals():
    cases = {"一": 1, "十": 10, "十一": 11, "二十": 20, "二十三": 23, "三十七": 37, "九十九": 99,
             "一百零五": 105}
    assert {text: parse_chinese_number(text) for text in cases} == cases
    assert parse_chinese_number("二三") is None
    assert parse_chinese_number("条") is None


def test_article_number_from_heading():
    assert article_number("第二十三条 某条") == 23
    assert article_number("第 11 条") == 11
    assert article_number("第一章 总则") is None
    assert article_number("学习提示") is None


def test_article_headings_get_art_anchors_and_others_keep_chinese():
    chapter = render_chapter(CHAPTER)
    assert '<h2 id="art-11">第十一条 党员大会</h2>' in chapter.html
    assert '<h2 id="art-23">' in chapter.html
    assert 'id="学习提示"' in chapter.html
    # Repeated sub-headings stay unique by carrying their article's anchor, never "_1".
    assert 'id="art-11-要点"' in chapter.html and 'id="art-23-要点"' in chapter.html
    assert 'id="_' not in chapter.html
    assert 'href="#art-23"' in chapter.toc_html and 'href="#学习提示"' in chapter.toc_html


def test_sections_carry_number_anchor_and_plain_text():
    sections = render_chapter(CHAPTER).articles
    assert [(s.number, s.anchor, s.position) for s in sections] == [
        (None, "top", 0), (11, "art-11", 1), (23, "art-23", 2), (None, "学习提示", 3)]
    assert sections[1].title == "第十一条 党员大会"
    assert "每季度召开1次" in sections[1].plain_text and "<" not in sections[1].plain_text
    assert "脚注内容" not in sections[3].plain_text  # footnotes are not part of the section's text


def test_tables_and_footnotes_survive_sanitizing():
    html = render_chapter("| a | b |\n|---|--:|\n| 1 | 2 |\n\n文[^1]\n\n[^1]: 注。\n").html
    assert "<table>" in html and '<td align="right">2</td>' in html
    assert 'href="#fn:1"' in html and 'id="fn:1"' in html


def test_script_event_handlers_and_javascript_urls_are_stripped():
    md = ('<script>alert("x")</script>\n\n<img src="x" onerror="alert(1)">\n\n'
          '[点我](javascript:alert(1)) <a href="javascript:alert(2)" onclick="alert(3)">b</a>\n\n'
          '<style>body{}</style><p style="color:red">红</p>\n')
    for html in (render_chapter(md).html, render_markdown(md)):
        lowered = html.lower()
        for bad in ("<script", "alert", "onerror", "onclick", "javascript:", "<style", "style="):
            assert bad not in lowered, (bad, html)
        assert "红" in html


def test_plain_text_for_spreadsheets():
    from studyapp.domain.rendering import plain_text

    assert plain_text("<p>党员大会<strong>每季度</strong>召开&amp;表决</p>\n<p>第二段</p>") == "党员大会每季度召开&表决 第二段"
    assert plain_text("<script>alert(1)</script>题干") == "题干"


NOTED = """## 第十五条 党课

::: 待核对
条号为推定，请到共产党员网核对原文后再引用，不要据此出题。
:::

党课正文。

::: 待核对
第二处说明。
:::

::: 编者注
不要据此出题。
:::

## 第十六条 主题党日

::: 待核对 本条部分表述待与原文核对
未核对的表述。
:::

主题党日正文。
"""


def test_members_see_one_plain_line_per_unverified_article_and_no_author_notes():
    rendered = render_chapter(NOTED)
    assert rendered.html.count("本条条号待与原文核对") == 1
    assert "本条部分表述待与原文核对" in rendered.html
    for hidden in ("推定", "共产党员网", "不要据此出题", "第二处说明", "未核对的表述", "编者注", ":::"):
        assert hidden not in rendered.html
    # Search text has neither the notes nor the plain line.
    texts = {a.anchor: a.plain_text for a in rendered.articles}
    assert texts == {"art-15": "党课正文。", "art-16": "主题党日正文。"}


def test_the_organizers_preview_shows_the_notes_boxed_with_the_line_members_see():
    html = render_chapter(NOTED, for_authors=True).html
    assert html.count('class="author-note"') == 4 and "不要据此出题" in html and "第二处说明" in html
    assert html.count("本条条号待与原文核对") == 1


def test_an_unclosed_note_block_hides_nothing_from_members():
    from studyapp.domain.rendering import unclosed_author_blocks

    text = "## 第一条 目的\n\n::: 编者注\n说明\n\n正文。\n"
    assert "正文。" in render_chapter(text).html
    assert unclosed_author_blocks(text) == [3]


def test_author_notes_in_short_texts_such_as_a_module_intro():
    md = "介绍。\n\n::: 编者注\n内部说明。\n:::\n"
    assert "内部说明" not in render_markdown(md) and "内部说明" in render_markdown(md, for_authors=True)


def test_the_line_members_see_is_plain_text():
    html = render_chapter("## 第一条 目的\n\n::: 待核对 <script>alert(1)</script>\n说明\n:::\n").html
    assert "<script" not in html and "&lt;script&gt;" in html
# ---- classes and ids organizers cannot use against the page around their content -------------------


def test_site_classes_are_dropped_so_content_cannot_draw_a_fake_page():
    html = render_markdown('<a href="https://evil.example/" class="position-fixed top-0 start-0 w-100 h-100 '
                           'stretched-link bg-white">会话已过期，请重新登录</a>\n\n<div class="modal d-block">x</div>')
    assert "class=" not in html
    assert "会话已过期" in html  # the text stays, as plain text with a plain link


def test_footnote_and_toc_classes_stay():
    chapter = render_chapter("## 第一条 总则\n\n正文[^1]\n\n[^1]: 注释\n")
    assert 'class="footnote-ref"' in chapter.html and 'class="footnote-backref"' in chapter.html
    assert '<div class="footnote">' in chapter.html and '<div class="toc">' in chapter.toc_html
    assert 'id="fn:1"' in chapter.html and 'href="#fn:1"' in chapter.html


def test_ids_cannot_take_over_elements_of_the_page():
    chapter = render_chapter('## Summary\n\n<h2 id="exam-submit-form">x</h2>\n\n[jump](#exam-card) '
                             '<sup id="exam-countdown">1</sup>\n')
    assert 'id="exam-submit-form"' not in chapter.html and 'id="md-exam-submit-form"' in chapter.html
    assert 'id="exam-countdown"' not in chapter.html
    assert 'href="#md-exam-card"' in chapter.html
    # Headings keep working as anchors: the id, the contents link and the section agree.
    assert 'id="md-summary"' in chapter.html and 'href="#md-summary"' in chapter.toc_html
    assert [a.anchor for a in chapter.articles][:1] == ["md-summary"]


def test_article_anchors_and_chinese_headings_are_unchanged():
    chapter = render_chapter("## 第十一条 党员大会\n\n### 要点\n\n## 附则\n\n见[第十一条](#art-11)。\n")
    assert 'id="art-11"' in chapter.html and 'id="art-11-要点"' in chapter.html and 'id="附则"' in chapter.html
    assert 'href="#art-11"' in chapter.html and 'href="#art-11"' in chapter.toc_html
    assert [a.anchor for a in chapter.articles] == ["art-11", "附则"]
