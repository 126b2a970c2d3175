"""The request edge of a form post: run one use case, then commit and say so, or roll back and say why not.

    with committing("专题已保存。") as done:
        module = publishing.update_module(...)
    if done:
        return redirect(...)

A service's refusal (studyapp.services.errors) is flashed with its own message and the page is shown
again; any other exception propagates as usual.
"""
from __future__ import annotations

from flask import flash

from ..extensions import db
from ..services.errors import ServiceError


class committing:  # noqa: N801 - reads as a phrase at the call site
    """Context manager; truthy afterwards when the work succeeded and was committed."""

    def __init__(self, success: str, failure_category: str = "danger") -> None:
        self.success = success
        self.failure_category = failure_category
        self.ok = False

    def __enter__(self) -> committing:
        return self

    def __exit__(self, exc_type, exc, _tb) -> bool:
        if exc is None:
            db.session.commit()
            flash(self.success, "success")
            self.ok = True
            return False
        if isinstance(exc, ServiceError):
            db.session.rollback()
            flash(str(exc), self.failure_category)
            return True  # handled: the caller shows the page again
        return False

    def __bool__(self) -> bool:
        return self.ok
