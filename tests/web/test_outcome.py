"""The form-post edge helper: a service's refusal rolls back and is flashed; success commits and says so."""
from __future__ import annotations

import pytest
from flask import get_flashed_messages

from studyapp.services.errors import Invalid
from studyapp.web.outcome import committing


def test_refusal_rolls_back_and_flashes_the_services_message(app, db, org):
    with app.test_request_context():
        with committing("已保存。") as done:
            org.name = "改过的名字"
            db.session.flush()
            raise Invalid("名称重复")
        assert not done
        assert get_flashed_messages(with_categories=True) == [("danger", "名称重复")]
    db.session.refresh(org)
    assert org.name != "改过的名字"


def test_success_commits_and_flashes(app, db, org):
    with app.test_request_context():
        with committing("已保存。", failure_category="warning") as done:
            org.name = "新名字"
        assert done
        assert get_flashed_messages(with_categories=True) == [("success", "已保存。")]
    db.session.rollback()
    db.session.refresh(org)
    assert org.name == "新名字"


def test_other_errors_propagate(app, db):
    with app.test_request_context(), pytest.raises(KeyError), committing("已保存。"):
        raise KeyError("bug")
