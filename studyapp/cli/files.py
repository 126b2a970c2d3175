"""Files the command line writes: they hold names, phone numbers, scores or one-time codes."""
from __future__ import annotations

import os
from pathlib import Path
from typing import IO


def open_private(path: Path, binary: bool = False) -> IO:
    """Open `path` for writing, readable and writable by its owner only (0600), from the first byte:
    created so, or an existing file tightened before it is truncated."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
    except OSError:
        os.close(fd)
        raise
    if binary:
        return os.fdopen(fd, "wb")
    return os.fdopen(fd, "w", encoding="utf-8", newline="")
