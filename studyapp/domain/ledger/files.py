"""How many attachments one ledger record may have; which files are accepted is domain.attachments."""
from __future__ import annotations

MAX_PER_ACTIVITY = 20
