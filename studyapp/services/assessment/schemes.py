"""Assessment schemes (评估方案): create a version from a draft, list them, export and import as .xlsx."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.assessment import schemes as sheet
from ...domain.problems import Collector, ValidationFailed
from ...models import User
from ...models.assessment import AssessmentIndicator, AssessmentScheme
from ...models.exams import Sitting
from ...models.content import Module
from ..errors import Invalid
from ..scope import managed_unit_ids, organization_root
from .access import require_admin


def save_scheme(session: Session, actor: User, draft: sheet.SchemeDraft, now: datetime) -> AssessmentScheme:
    """Store the draft as a new version (1 for a new name): rounds already running keep their version."""
    organization_id = organization_root(session, actor.unit_id)
    require_admin(session, actor, organization_id)
    problems = Collector()
    sheet.check(draft, problems)
    _check_scope_ids(session, actor, draft, problems)
    if problems.problems:
        raise Invalid("方案有误：" + "；".join(str(p) for p in problems.problems))
    latest = session.scalar(select(func.max(AssessmentScheme.version)).where(
        AssessmentScheme.organization_id == organization_id, AssessmentScheme.name == draft.name.strip()))
    scheme = AssessmentScheme(
        organization_id=organization_id, name=draft.name.strip(), version=(latest or 0) + 1,
        scale_kind=draft.scale_kind, thresholds=dict(draft.thresholds), keep_demo_at=draft.keep_demo_at,
        vetoes=[{"title": title, "cap": cap} for title, cap in draft.vetoes], created_by_id=actor.id,
        created_at=now)
    scheme.indicators = [
        AssessmentIndicator(position=n, standard=i.standard, code=i.code, title=i.title, max_points=i.max_points,
                            guidance=i.guidance, evidence=i.evidence, source=i.source,
                            platform_kind=i.platform_kind if i.source == "platform" else None,
                            scope_ids=list(i.scope_ids))
        for n, i in enumerate(draft.indicators, start=1)]
    session.add(scheme)
    session.flush()
    return scheme


def data_sources(session: Session, actor: User) -> tuple[list[Sitting], list[Module]]:
    """Sittings and modules a platform indicator of this administrator may look at (their ids go in the scheme)."""
    from ..publishing import readable_modules
    from ..reports.audience import visible_sittings

    managed = managed_unit_ids(session, actor)
    return visible_sittings(session, managed), readable_modules(session, actor, managed)


def _check_scope_ids(session: Session, actor: User, draft: sheet.SchemeDraft, problems: Collector) -> None:
    from ...domain.assessment.indicators import KINDS

    sittings, modules = data_sources(session, actor)
    allowed = {"sittings": {s.id for s in sittings}, "modules": {m.id for m in modules}}
    for item in draft.indicators:
        if item.source != "platform" or item.platform_kind not in KINDS or not item.scope_ids:
            continue
        needs = KINDS[item.platform_kind].needs
        if needs not in allowed:
            continue
        missing = [str(n) for n in item.scope_ids if n not in allowed[needs]]
        if missing:
            what = "场次" if needs == "sittings" else "专题"
            problems.add(f"指标 {item.code} 所选{what}编号不存在或不属于本组织：" + "、".join(missing), column="数据范围编号")


def import_scheme(session: Session, actor: User, data: bytes, filename: str, now: datetime) -> AssessmentScheme:
    """All or nothing: every problem of the workbook is reported at once, nothing is saved if any."""
    try:
        draft = sheet.from_workbook(data, filename)
    except ValidationFailed as failed:
        raise Invalid("\n".join(str(p) for p in failed.problems)) from None
    return save_scheme(session, actor, draft, now)


def draft_of(scheme: AssessmentScheme) -> sheet.SchemeDraft:
    return sheet.SchemeDraft(
        scheme.name, scheme.scale_kind, dict(scheme.thresholds),
        [sheet.IndicatorDraft(i.standard, i.code, i.title, i.max_points, i.guidance, i.evidence, i.source,
                              i.platform_kind, list(i.scope_ids or [])) for i in scheme.indicators],
        [(v["title"], v["cap"]) for v in scheme.vetoes or []], scheme.keep_demo_at)


def export_scheme(scheme: AssessmentScheme) -> bytes:
    return sheet.to_workbook(draft_of(scheme))


def organization_schemes(session: Session, actor: User) -> list[AssessmentScheme]:
    organization_id = organization_root(session, actor.unit_id)
    return list(session.scalars(select(AssessmentScheme).where(AssessmentScheme.organization_id == organization_id)
                                .order_by(AssessmentScheme.name, AssessmentScheme.version.desc())))
