"""Roster import: create or update every person of a checked roster in one go, all or nothing.

Rows are written with bulk INSERT/UPDATE statements (one executemany each), not one ORM object per
person, and new accounts get fast one-time codes instead of argon2 hashes: 10,000 people take seconds.
Re-importing the same file changes nothing; an empty 角色 or 手机号 cell keeps what the account has.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from ..domain import passwords
from ..domain.problems import Collector
from ..domain.roster import BRANCH, LOGIN, RosterRecord
from ..models import OrganizerScope, PartyGroup, Unit, User
from .errors import Forbidden
from .scope import subtree, unit_tree

CHUNK = 500  # names per IN (...) query: far below every backend's parameter limit
CREDENTIALS_HEADER = ["登录名", "姓名", "所属支部", "初始密码（首次登录后须修改）"]


@dataclass(frozen=True)
class Credential:
    """An initial one-time code, handed to the administrator once and never stored in clear."""

    username: str
    name: str
    branch: str
    code: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    branches_created: list[str] = field(default_factory=list)
    credentials: list[Credential] = field(default_factory=list)

    def credential_rows(self) -> list[tuple[str, str, str, str]]:
        """Rows under CREDENTIALS_HEADER, for the file handed to the administrator."""
        return [(c.username, c.name, c.branch, c.code) for c in self.credentials]


def import_roster(session: Session, actor: User | None, records: list[RosterRecord], now: datetime, *,
                  organization: Unit | None = None, filename: str | None = None) -> ImportResult:
    """Import into the actor's organization (or `organization`, for the command line); raises
    ValidationFailed listing every row that cannot be imported, having written nothing."""
    if actor is not None and actor.role != "admin":
        raise Forbidden("只有管理员可以导入名册")
    root = organization if organization is not None else session.get(Unit, actor.unit_id)
    problems = Collector(filename)
    units = _UnitPlan(session, root)
    targets = {record.row: units.resolve(record, problems) for record in records}
    existing = _existing_users(session, [record.username for record in records])
    for record in records:
        user = existing.get(record.username.lower())
        if user is None:
            continue
        if user.unit_id not in units.ids:
            problems.add(f"登录名 {record.username} 已被本组织以外的账号使用", record.row, LOGIN)
        elif actor is not None and user.id == actor.id and (
                record.role not in (None, "admin") or targets[record.row] != ("id", actor.unit_id)):
            problems.add("不能通过导入名册修改您自己的角色或所属单位", record.row, LOGIN)
    problems.raise_if_any()

    result = ImportResult(branches_created=units.create_missing(now))
    group_ids = _party_groups(session, {(units.id_of(targets[r.row]), r.party_group) for r in records if r.party_group})
    new_rows, changes, scopes_to_add, scopes_to_drop = [], [], [], []
    for record in records:
        unit_id = units.id_of(targets[record.row])
        user = existing.get(record.username.lower())
        if user is None:
            code = passwords.new_one_time_code()
            role = record.role or "member"
            new_rows.append(dict(username=record.username, name=record.name, phone=record.phone, unit_id=unit_id,
                                 role=role, member_kind=record.member_kind or "full",
                                 party_group_id=group_ids.get((unit_id, record.party_group)),
                                 password_hash=passwords.hash_one_time_code(code),
                                 must_change_password=True, active=True, session_version=1, created_at=now))
            result.credentials.append(Credential(record.username, record.name, record.branch, code))
            continue
        role = record.role or user.role
        phone = record.phone or user.phone
        member_kind = record.member_kind or user.member_kind
        # An empty 党小组 cell keeps the group, unless the member moved to another branch (groups are per branch).
        group_id = (group_ids[(unit_id, record.party_group)] if record.party_group
                    else user.party_group_id if unit_id == user.unit_id else None)
        if (record.name, phone, unit_id, role, member_kind, group_id) == (
                user.name, user.phone, user.unit_id, user.role, user.member_kind, user.party_group_id):
            result.unchanged += 1
            continue
        # A changed role or branch must not linger in an open session.
        version = user.session_version + (role != user.role or unit_id != user.unit_id)
        changes.append(dict(id=user.id, name=record.name, phone=phone, unit_id=unit_id, role=role,
                            session_version=version, member_kind=member_kind, party_group_id=group_id))
        if user.role == "organizer" and (role != "organizer" or unit_id != user.unit_id):
            scopes_to_drop.append((user.id, user.unit_id) if role == "organizer" else (user.id, None))
        if role == "organizer" and (user.role != "organizer" or unit_id != user.unit_id):
            scopes_to_add.append((user.id, unit_id))
    if new_rows:
        session.execute(insert(User), new_rows)
        organizers = [row["username"] for row in new_rows if row["role"] == "organizer"]
        ids = _ids_by_username(session, organizers)
        scopes_to_add += [(ids[row["username"]], row["unit_id"]) for row in new_rows if row["role"] == "organizer"]
    if changes:
        session.execute(update(User), changes)
    _apply_scopes(session, scopes_to_drop, scopes_to_add)
    session.flush()
    result.created, result.updated = len(new_rows), len(changes)
    return result


def _existing_users(session: Session, usernames: list[str]) -> dict[str, object]:
    """Current values of the accounts the roster names, by login id in lower case (login ids are
    the same whatever their case); plain rows, not ORM objects: cheaper."""
    columns = (User.id, User.username, User.name, User.phone, User.unit_id, User.role, User.session_version,
               User.member_kind, User.party_group_id)
    wanted = {name.lower() for name in usernames}
    if len(usernames) <= CHUNK:
        rows = session.execute(select(*columns).where(func.lower(User.username).in_(wanted)))
        return {row.username.lower(): row for row in rows}
    # A large roster names most accounts anyway: one pass over the table beats many IN (...) lists,
    # which PostgreSQL may answer by comparing every row with every name when its statistics are stale.
    return {row.username.lower(): row for row in session.execute(select(*columns)) if row.username.lower() in wanted}


def _party_groups(session: Session, wanted: set[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """Ids of the (branch id, 党小组 name) pairs the roster names, creating the missing groups."""
    if not wanted:
        return {}
    unit_ids = sorted({unit_id for unit_id, _ in wanted})
    found = {}
    for start in range(0, len(unit_ids), CHUNK):
        rows = session.execute(select(PartyGroup.unit_id, PartyGroup.name, PartyGroup.id)
                               .where(PartyGroup.unit_id.in_(unit_ids[start:start + CHUNK])))
        found.update({(unit_id, name): id_ for unit_id, name, id_ in rows})
    for unit_id, name in sorted(wanted - found.keys()):
        group = PartyGroup(unit_id=unit_id, name=name)
        session.add(group)
        session.flush()
        found[(unit_id, name)] = group.id
    return found


def _ids_by_username(session: Session, usernames: list[str]) -> dict[str, int]:
    ids = {}
    for start in range(0, len(usernames), CHUNK):
        chunk = usernames[start:start + CHUNK]
        ids.update((name, id_) for name, id_ in session.execute(select(User.username, User.id).where(User.username.in_(chunk))))
    return ids


def _apply_scopes(session: Session, drop: list[tuple[int, int | None]], add: list[tuple[int, int]]) -> None:
    for user_id, unit_id in drop:
        statement = delete(OrganizerScope).where(OrganizerScope.user_id == user_id)
        if unit_id is not None:
            statement = statement.where(OrganizerScope.unit_id == unit_id)
        session.execute(statement)
    if not add:
        return
    user_ids = sorted({user_id for user_id, _ in add})
    have = set()
    for start in range(0, len(user_ids), CHUNK):
        chunk = user_ids[start:start + CHUNK]
        statement = select(OrganizerScope.user_id, OrganizerScope.unit_id).where(OrganizerScope.user_id.in_(chunk))
        have |= {(user_id, unit_id) for user_id, unit_id in session.execute(statement)}
    rows = [dict(user_id=user_id, unit_id=unit_id) for user_id, unit_id in sorted(set(add) - have)]
    if rows:
        session.execute(insert(OrganizerScope), rows)


class _UnitPlan:
    """The importing organization's subtree, and the branches the roster needs that do not exist yet.

    "第一党支部" means the one unit of that name in the organization (created under it when there is
    none); "第一党总支/第一党支部" is a path from the organization down, created as needed.
    """

    def __init__(self, session: Session, root: Unit):
        self.session, self.root = session, root
        self.ids = subtree(unit_tree(session), {root.id})
        rows = session.execute(select(Unit.id, Unit.parent_id, Unit.name).where(Unit.id.in_(self.ids))).all()
        self.by_name: dict[str, list[int]] = {}
        self.child: dict[tuple[object, str], int] = {}
        for unit_id, parent_id, name in rows:
            self.by_name.setdefault(name, []).append(unit_id)
            if unit_id != root.id:
                self.child[(("id", parent_id), name)] = unit_id
        self.missing: dict[tuple, tuple[object, str, str]] = {}  # key -> (parent key, name, kind)
        self.created: dict[tuple, int] = {}

    def resolve(self, record: RosterRecord, problems: Collector) -> tuple:
        path = record.branch_path
        if len(path) == 1:
            matches = self.by_name.get(path[0], [])
            if len(matches) > 1:
                problems.add(f"组织内有{len(matches)}个名为“{path[0]}”的单位，请写明上级，如“上级名称/{path[0]}”",
                             record.row, BRANCH)
                return ("id", self.root.id)
            if matches:
                return ("id", matches[0])
        key: tuple = ("id", self.root.id)
        for depth, name in enumerate(path):
            kind = "branch" if depth == len(path) - 1 else "organization"
            found = self.child.get((key, name))
            if found is not None:
                key = ("id", found)
                continue
            new_key = ("new", key, name)
            self.missing.setdefault(new_key, (key, name, kind))
            key = new_key
        return key

    def create_missing(self, now: datetime) -> list[str]:
        """Create the planned units, parents first; their names (as paths) for the report."""
        names = []
        for key, (parent_key, name, kind) in self.missing.items():  # insertion order: parents first
            unit = Unit(name=name, kind=kind, parent_id=self.id_of(parent_key), created_at=now)
            self.session.add(unit)
            self.session.flush()
            self.created[key] = unit.id
            names.append(name)
        return names

    def id_of(self, key: tuple) -> int:
        return key[1] if key[0] == "id" else self.created[key]
