"""示范点 (demonstration branches): named by an administrator, flagged 待复核 when their latest published
grade falls below the scheme's level or a problem is overdue; revocation is an explicit recorded act."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...domain.assessment import demo_sites as rules
from ...models import Unit, User
from ...models.assessment import AssessmentEntry, AssessmentRound, DemoSite
from ..errors import Conflict, Invalid
from ..scope import organization_root
from .access import require_admin
from .problems import overdue_counts
from .sheets import scale


def name_site(session: Session, actor: User, managed: set[int], unit_id: int, named_on: date | None, reason: str,
              now: datetime) -> DemoSite:
    require_admin(session, actor, organization_root(session, actor.unit_id))
    unit = session.get(Unit, unit_id)
    if unit is None or unit.kind != "branch" or unit_id not in managed:
        raise Invalid("请选择本组织的党支部")
    if not (reason or "").strip():
        raise Invalid("请填写命名理由")
    if named_on is None:
        raise Invalid("请填写命名日期")
    if session.scalar(select(DemoSite.id).where(DemoSite.unit_id == unit_id, DemoSite.revoked_at.is_(None))):
        raise Conflict(f"{unit.name}已是示范点")
    site = DemoSite(unit_id=unit_id, named_on=named_on, reason=reason.strip(), named_by_id=actor.id)
    session.add(site)
    session.flush()
    return site


def revoke_site(session: Session, actor: User, managed: set[int], site_id: int, reason: str, now: datetime) -> None:
    require_admin(session, actor, organization_root(session, actor.unit_id))
    site = session.get(DemoSite, site_id)
    if site is None or site.unit_id not in managed:
        raise Invalid("示范点不存在")
    if site.revoked_at is not None:
        raise Conflict("此示范点已撤销")
    if not (reason or "").strip():
        raise Invalid("请填写撤销理由")
    site.revoked_at, site.revoked_by_id, site.revoke_reason = now, actor.id, reason.strip()
    session.flush()


@dataclass
class SiteStatus:
    site: DemoSite
    latest_round: AssessmentRound | None = None
    latest_grade: str | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def needs_review(self) -> bool:
        return bool(self.reasons)


def site_statuses(session: Session, managed: set[int], now: datetime, zone: str) -> list[SiteStatus]:
    """Active 示范点 in scope with their 待复核 reasons; a fixed number of queries."""
    sites = list(session.scalars(select(DemoSite).where(DemoSite.unit_id.in_(managed or [-1]),
                                                        DemoSite.revoked_at.is_(None))
                                 .options(selectinload(DemoSite.unit)).order_by(DemoSite.named_on)))
    unit_ids = {s.unit_id for s in sites}
    latest: dict[int, AssessmentEntry] = {}
    for entry in session.scalars(
            select(AssessmentEntry).join(AssessmentRound).where(
                AssessmentEntry.unit_id.in_(unit_ids or [-1]), AssessmentRound.step == "published")
            .options(selectinload(AssessmentEntry.round).selectinload(AssessmentRound.scheme))
            .order_by(AssessmentRound.published_at)):
        latest[entry.unit_id] = entry  # the last published wins
    overdue = overdue_counts(session, unit_ids, now, zone)
    found = []
    for site in sites:
        entry = latest.get(site.unit_id)
        status = SiteStatus(site, entry.round if entry else None, entry.final_grade if entry else None)
        scheme = entry.round.scheme if entry else None
        status.reasons = rules.review_reasons(scale(scheme) if scheme else None, status.latest_grade,
                                              scheme.keep_demo_at if scheme else None, overdue.get(site.unit_id, 0))
        found.append(status)
    return found


def revoked_sites(session: Session, managed: set[int]) -> list[DemoSite]:
    return list(session.scalars(select(DemoSite).where(DemoSite.unit_id.in_(managed or [-1]),
                                                       DemoSite.revoked_at.is_not(None))
                                .options(selectinload(DemoSite.unit)).order_by(DemoSite.revoked_at.desc())))
