"""Chase messages, phone lists and the unit-tree order of branches; number-bounded search patterns."""
from studyapp.domain import chase
from studyapp.domain.snippets import number_bounded, query_pattern, snippet


def test_reminder_and_phone_list():
    assert chase.reminder("《条例》测试", "12月10日18:00", ["张三", "李四"]) == \
        "请以下同志于12月10日18:00前完成《条例》测试：张三、李四。"
    assert chase.phone_list(["138", None, "139", "138", ""]) == "138\n139"


def test_tree_order_walks_depth_first_by_sort_key():
    parents = {1: None, 2: 1, 3: 1, 4: 2, 5: 3}
    keys = {2: (2,), 3: (1,), 4: (0,), 5: (0,)}
    rank = chase.tree_order(parents, keys)
    assert sorted(rank, key=rank.get) == [1, 3, 5, 2, 4]


def test_numbers_in_a_query_match_whole_numbers_only():
    assert number_bounded("8人") and number_bounded("第3") and not number_bounded("党员")
    assert query_pattern("8人").search("3至8人组成") and not query_pattern("8人").search("超过18人")
    assert not query_pattern("第3").search("第35条") and query_pattern("第3").search("第3条")
    assert "1<mark>" not in snippet("超过18人；3至8人", "8人") and "<mark>8人</mark>" in snippet("超过18人；3至8人", "8人")
