"""Organizer pages of branch assessment (评估定级), under /manage/assessment: rounds and their dashboard,
score sheets, the problem ledger, evidence attachments, 示范点 and schemes. The organizer area's guard applies; each page asks
services.assessment.access for the object's scope."""
from importlib import import_module

for _name in ("rounds", "sheets", "problems", "sites", "schemes", "evidence"):
    import_module(f"{__name__}.{_name}")
