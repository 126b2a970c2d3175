"""Demo organization: 5 branches, admin, organizer1, member0001..member0200; idempotent."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import passwords
from ..models import OrganizerScope, Unit, User
from ..models.types import utcnow
from .demo_ledger import seed_ledger
from .demo_assessment import seed_assessment  # noqa: F401  (run by `flask demo` once the demo exam exists)

ORG_NAME = "示范机关党委"
BRANCHES = ["第一党支部", "第二党支部", "第三党支部", "第四党支部", "第五党支部"]
MEMBER_COUNT = 200
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "建国 卫东 秀英 桂兰 志强 海燕 红梅 国庆 文华 春生 玉珍 德明 丽华 振华 淑珍 永强 晓东 明亮 静 敏".split()
#: How organizer1 is known to members and on every page: a person, not a role.
ORGANIZER_NAME = "陈晓梅"


def member_name(number: int) -> str:
    """Member n's name: all 200 differ, and each branch (every fifth member) has every surname."""
    return SURNAMES[(number * 2 // 5 + number) % len(SURNAMES)] + GIVEN[(number * 5 + number // 20) % len(GIVEN)]


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "；".join(self.created) if self.created else "演示数据已是最新，未做更改"


def seed_people(session: Session, password: str) -> DemoReport:
    """Create the demo organization and accounts that are missing; never touch existing ones."""
    report = DemoReport()
    org = session.scalar(select(Unit).where(Unit.parent_id.is_(None), Unit.name == ORG_NAME))
    if org is None:
        org = Unit(name=ORG_NAME, kind="organization")
        session.add(org)
        session.flush()
        report.created.append(f"组织 {ORG_NAME}")
    branches = []
    for order, name in enumerate(BRANCHES):
        branch = session.scalar(select(Unit).where(Unit.parent_id == org.id, Unit.name == name))
        if branch is None:
            branch = Unit(name=name, kind="branch", parent_id=org.id, sort_order=order)
            session.add(branch)
            report.created.append(name)
        branches.append(branch)
    session.flush()

    existing = set(session.scalars(select(User.username)))
    # One hash shared by every demo account: hashing 200 times would take ~10 s for no security gain.
    shared_hash = passwords.hash_password(password)
    people = [("admin", "系统管理员", org, "admin", None), ("organizer1", ORGANIZER_NAME, branches[0], "organizer", None)]
    for number in range(1, MEMBER_COUNT + 1):
        name = member_name(number)
        branch = branches[(number - 1) % len(branches)]
        people.append((f"member{number:04d}", name, branch, "member", f"1380000{number:04d}"))
    added = 0
    for username, name, unit, role, phone in people:
        if username in existing:
            continue
        user = User(username=username, name=name, unit_id=unit.id, role=role, password_hash=shared_hash,
                    phone=phone)
        session.add(user)
        session.flush()
        if role == "organizer":
            session.add(OrganizerScope(user_id=user.id, unit_id=unit.id))
        added += 1
    if added:
        report.created.append(f"{added} 个账号")
    session.flush()
    report.created += seed_ledger(session, ORG_NAME, utcnow())  # the organizational-life ledger
    return report
