"""One status vocabulary: nobody is 缺考 before the close; make-up only for 缺考 and 不及格."""
from studyapp.domain import exam_status as st
from studyapp.domain.timing import CLOSED, OPEN, UPCOMING


def test_status_follows_the_window_and_the_attempts():
    assert st.member_status(UPCOMING, False, False) == "未开始"
    assert st.member_status(OPEN, False, False) == "未参考"
    assert st.member_status(OPEN, False, True) == "作答中"
    assert st.member_status(CLOSED, False, False) == "缺考"
    assert st.member_status(OPEN, True, False, True) == "及格"
    assert st.member_status(CLOSED, True, True, False) == "不及格"  # a counted attempt wins over one in progress
    assert st.member_status(OPEN, True, False, None) == "已交卷"


def test_makeup_and_tally():
    assert [s for s in st.ORDER if st.needs_makeup(s)] == ["不及格", "缺考"]
    assert st.tally(["未参考", "及格", "未参考", "不及格"]) == [("及格", 1), ("不及格", 1), ("未参考", 2)]
