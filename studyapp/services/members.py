"""Finding and managing the people in the units an organizer or administrator manages."""
from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from ..models import Unit, User
from .errors import Forbidden, Invalid, NotFound


def member_query(unit_ids: set[int], q: str = "", role: str = "") -> Select:
    """People in the given units, matching q in name, login id or phone, ordered by login id."""
    statement = select(User).where(User.unit_id.in_(unit_ids))
    q = (q or "").strip()
    if q:
        statement = statement.where(or_(User.name.icontains(q, autoescape=True),
                                        User.username.icontains(q, autoescape=True),
                                        User.phone.contains(q.replace(" ", "").replace("-", ""), autoescape=True)))
    if role:
        statement = statement.where(User.role == role)
    return statement.order_by(User.username)


def managed_user(session: Session, actor: User, managed: set[int], user_id: int) -> User:
    """The person, if the actor may manage them; another branch's people do not exist (404)."""
    user = session.get(User, user_id)
    if user is None or user.unit_id not in managed:
        raise NotFound("人员不存在")
    return user


def ensure_can_act_on(actor: User, target: User) -> None:
    """Organizers look after members; administrators anyone but themselves (no self lock-out)."""
    if actor.id == target.id:
        raise Invalid("不能对自己的账号执行此操作，请到“修改密码”页面")
    if actor.role != "admin" and target.role != "member":
        raise Forbidden("组织员只能管理党员账号，其他账号请联系管理员")


def scope_names(session: Session, user: User) -> list[str]:
    """Names of the units an organizer manages, for display."""
    ids = [scope.unit_id for scope in user.scopes]
    return list(session.scalars(select(Unit.name).where(Unit.id.in_(ids)).order_by(Unit.sort_order, Unit.id)))
