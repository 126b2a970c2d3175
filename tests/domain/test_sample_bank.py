"""The sample bank in content/ is one an organizer can adopt: invariants a careful editor keeps.

Which article numbers are verified is the project's fact sheet (shared/regulation-facts.md, kept in the
content README's table): 1–14, 17, 19, 20, 21, 23, 24. Articles 15, 16, 18 and 22 have verified content
but inferred numbers; 25–37 are unverified. A question may name a verified article or none.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from studyapp.domain.grading import normalize_text
from studyapp.domain.problems import Collector
from studyapp.domain.questions import read_bank

BANK_DIR = Path(__file__).resolve().parents[2] / "content" / "branch-regulations" / "questions"
VERIFIED_ARTICLES = frozenset([*range(1, 15), 17, 19, 20, 21, 23, 24])
#: The overview section ("《条例》概况") holds questions on the document as a whole.
WHOLE_DOCUMENT_CHAPTER = 0
#: An inferred number asked for in a stem or an option ("第十五条", "第22条").
INFERRED_NUMBER = re.compile(r"第\s*(十五|十六|十八|二十二|二十[五六七八九]|三十[一二三四五六七]?|15|16|18|22|2[5-9]|3[0-7])\s*条")


def _drafts():
    drafts = []
    for path in sorted(BANK_DIR.glob("*.txt")):
        problems = Collector(path.name)
        bank = read_bank(path.read_bytes(), path.name, problems, require_keys=True, require_explanation=True)
        assert not problems.problems, [str(p) for p in problems.problems]
        drafts += [(path.name, located.draft) for located in bank.items]
    return drafts


DRAFTS = _drafts()


def test_the_bank_keeps_at_least_200_questions():
    assert len(DRAFTS) >= 200


def test_no_two_questions_share_a_normalized_stem():
    stems = Counter(normalize_text(draft.stem_md) for _, draft in DRAFTS)
    assert [stem for stem, n in stems.items() if n > 1] == []


def test_every_article_named_is_a_verified_one():
    named = {(draft.key, draft.article_number) for _, draft in DRAFTS if draft.article_number is not None}
    assert {item for item in named if item[1] not in VERIFIED_ARTICLES} == set()


def test_no_question_asks_for_a_number_that_is_not_verified():
    for _, draft in DRAFTS:
        text = " ".join([draft.stem_md, *(text for _, text in draft.options)])
        assert not INFERRED_NUMBER.search(text), draft.key


def test_every_verified_article_has_five_questions_of_more_than_one_type():
    by_article = defaultdict(list)
    for _, draft in DRAFTS:
        if draft.article_number is not None:
            by_article[draft.article_number].append(draft.qtype)
    thin = {n: len(by_article[n]) for n in VERIFIED_ARTICLES if len(by_article[n]) < 5}
    one_type = {n for n in VERIFIED_ARTICLES if len(set(by_article[n])) < 2}
    assert (thin, one_type) == ({}, set())


def test_multiple_choice_keys_are_not_all_every_option_but_one():
    shapes = Counter()
    for _, draft in DRAFTS:
        if draft.qtype == "multiple":
            wrong = len(draft.options) - len(draft.answer)
            shapes["all but one" if wrong == 1 else "other"] += 1
            assert 2 <= len(draft.answer) <= len(draft.options), draft.key
    # "Pick everything except the odd one out" must not be a strategy that works most of the time.
    assert shapes["all but one"] <= shapes["other"], shapes


def test_whole_document_questions_are_in_their_own_section_without_an_article():
    whole = [draft for name, draft in DRAFTS if name.startswith("00-")]
    assert len(whole) >= 10
    assert {(d.chapter_number, d.article_number) for d in whole} == {(WHOLE_DOCUMENT_CHAPTER, None)}
    assert all(d.chapter_number != WHOLE_DOCUMENT_CHAPTER for name, d in DRAFTS if not name.startswith("00-"))


@pytest.mark.parametrize("word", ["只需", "无需", "所有", "一律", "必须", "只能"])
def test_true_false_statements_do_not_give_themselves_away(word):
    giveaways = [d.key for _, d in DRAFTS if d.qtype == "true_false" and d.answer is False and word in d.stem_md]
    assert giveaways == []


def test_the_longest_option_is_the_key_no_more_often_than_chance():
    longest = total = 0
    for _, draft in DRAFTS:
        if draft.qtype == "single":
            lengths = {key: len(text) for key, text in draft.options}
            total += 1
            longest += lengths[draft.answer] == max(lengths.values()) and list(lengths.values()).count(
                lengths[draft.answer]) == 1
    assert longest <= total // 4, (longest, total)  # four options: a guess is right one time in four
