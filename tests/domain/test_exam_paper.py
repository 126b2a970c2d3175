import random

from studyapp.domain.paper import Candidate, Rule, assemble, display_letters


def bank(ids, qtype="single"):
    keys = ("A", "B", "C", "D") if qtype in ("single", "multiple") else ()
    return [Candidate(i, qtype, keys) for i in ids]


RULES = [Rule(1, 3, 2.0, "第1章 单选"), Rule(2, 2, 5.0, "判断")]
CANDS = {1: bank(range(1, 11)), 2: bank(range(20, 26), "true_false")}


def draw(seed, rules=RULES, cands=CANDS, **flags):
    return assemble(rules, cands, random.Random(seed), **flags)


def test_same_seed_same_paper_and_input_order_does_not_matter():
    shuffled = {k: list(reversed(v)) for k, v in CANDS.items()}
    first = draw(42, shuffle_questions=True, shuffle_options=True)
    again = draw(42, cands=shuffled, shuffle_questions=True, shuffle_options=True)
    assert first.items == again.items
    assert len(first.items) == 5 and first.max_score == 16.0
    assert first.shortages == []


def test_different_seeds_give_different_papers():
    papers = {tuple(i.question_id for i in draw(seed).items) for seed in range(20)}
    assert len(papers) > 5


def test_unshuffled_paper_keeps_rule_order_and_bank_option_order():
    paper = draw(7)
    ids = [i.question_id for i in paper.items]
    assert all(i < 20 for i in ids[:3]) and all(i >= 20 for i in ids[3:])
    assert ids[:3] == sorted(ids[:3])
    assert all(i.option_order == ("A", "B", "C", "D") for i in paper.items[:3])
    assert paper.items[0].points == 2.0 and paper.items[-1].points == 5.0


def test_option_shuffle_permutes_choice_options_only():
    orders = {draw(s, shuffle_options=True).items[0].option_order for s in range(30)}
    assert len(orders) > 3
    assert all(sorted(o) == ["A", "B", "C", "D"] for o in orders)
    assert all(i.option_order == () for i in draw(3, shuffle_options=True).items[3:])


def test_question_shuffle_keeps_type_sections():
    rules = [Rule(1, 2, 1, ""), Rule(2, 3, 1, "")]
    cands = {1: bank(range(20, 26), "true_false"), 2: bank(range(1, 11))}
    for seed in range(10):
        types = [i.qtype for i in draw(seed, rules, cands, shuffle_questions=True).items]
        assert types == ["single"] * 3 + ["true_false"] * 2


def test_shortage_reported_and_available_questions_still_drawn():
    paper = draw(1, rules=[Rule(1, 3, 1), Rule(3, 10, 1, "第3章")], cands={1: bank(range(1, 4)), 3: bank([50] * 0 + list(range(60, 66)))})
    assert len(paper.items) == 9
    assert [(s.rule_position, s.wanted, s.available) for s in paper.shortages] == [(3, 10, 6)]
    assert paper.shortages[0].message == "规则3（第3章）需要10题，题库只有6题"


def test_overlapping_rules_never_draw_a_question_twice():
    rules = [Rule(1, 4, 1), Rule(2, 4, 1)]
    cands = {1: bank(range(1, 7)), 2: bank(range(1, 7))}
    paper = draw(5, rules, cands)
    ids = [i.question_id for i in paper.items]
    assert len(ids) == len(set(ids)) == 6
    assert paper.shortages[0].rule_position == 2 and paper.shortages[0].available == 2


def test_display_letters_follow_display_order():
    assert display_letters(("C", "A", "B")) == {"C": "A", "A": "B", "B": "C"}
