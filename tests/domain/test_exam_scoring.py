from studyapp.domain.scoring import Scored, counting_attempt, passed, percent, total


def test_total_and_pass_mark():
    assert total([1.5, 2.25, 0]) == 3.75
    assert passed(60, 100, 60) and not passed(59.99, 100, 60)
    assert passed(0.6 * 3, 3, 60)  # no float noise
    assert passed(0, 0, 0)
    assert percent(45, 60) == 75.0


def test_counting_highest_prefers_earliest_on_tie():
    attempts = [Scored(10, 1, 70), Scored(11, 2, 85), Scored(12, 3, 85)]
    assert counting_attempt(attempts, "highest") == 11


def test_counting_last():
    attempts = [Scored(10, 1, 70), Scored(12, 3, 40), Scored(11, 2, 85)]
    assert counting_attempt(attempts, "last") == 12
    assert counting_attempt([], "last") is None
