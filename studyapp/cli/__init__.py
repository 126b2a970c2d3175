"""Command-line interface (`flask --app studyapp ...`): thin shells over the services."""
from __future__ import annotations

from importlib import import_module

from flask import Flask

#: Command modules; each exposes `commands`, a list of click commands.
COMMAND_MODULES = ["accounts", "demo", "roster", "content", "exams", "reports", "ledger"]


def register_cli(app: Flask) -> None:
    for name in COMMAND_MODULES:
        for command in import_module(f"{__name__}.{name}").commands:
            app.cli.add_command(command)
COMMAND_MODULES.append("assessment")  # branch assessment: assessment-report
