"""The server's clock as the web layer sees it; tests can inject one via config["CLOCK"]."""
from datetime import datetime

from flask import current_app

from ..models.types import utcnow


def now() -> datetime:
    clock = current_app.config.get("CLOCK")
    return clock() if clock else utcnow()
