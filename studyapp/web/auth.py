"""Log in, log out, change password."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..database import intending_to_write
from ..extensions import db
from ..services import accounts
from ..services.errors import Invalid
from . import login_guard
from .clock import now
from .forms import safe_next

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField("登录名（党员编号）", validators=[DataRequired("请输入登录名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=256)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码")])
    new = PasswordField("新密码（至少8位）", validators=[DataRequired("请输入新密码"), Length(max=256)])
    confirm = PasswordField("再次输入新密码", validators=[DataRequired("请再次输入新密码")])


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        refusal = login_guard.check(form.username.data)
        if refusal is not None:
            flash(refusal.message, "danger")
            return render_template("auth/login.html", form=form), 429, {"Retry-After": str(refusal.retry_after)}
        # Verified before the writing transaction begins (see accounts.verify_credentials).
        user_id = accounts.verify_credentials(db.session, form.username.data, form.password.data)
        db.session.rollback()
        user = None
        if user_id is not None:
            with intending_to_write():
                user = accounts.record_login(db.session, user_id, form.password.data, now())
                db.session.commit()
        if user is None:
            login_guard.failed()
            flash("登录名或密码不正确。", "danger")
        else:
            login_guard.succeeded(form.username.data)
            session.clear()  # a fresh session: nothing from before login carries over
            login_user(user)
            session.permanent = True
            if user.must_change_password:
                flash("首次登录，请先设置您自己的密码。", "info")
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(request.args.get("next"), url_for("main.home")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        accounts.log_out_everywhere(db.session, current_user._get_current_object())
        db.session.commit()
    logout_user()
    session.clear()
    flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    forced = current_user.must_change_password
    if forced:
        # Logged in with the one-time code a moment ago: it is not asked for again.
        del form.current
    if form.validate_on_submit():
        user = current_user._get_current_object()
        current = None if forced else form.current.data
        try:
            accounts.change_password(db.session, user, current, form.new.data, form.confirm.data)
        except Invalid as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            login_user(user)  # re-issue this device's session with the new version
            flash("密码已修改。其他设备上的登录已失效。", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form, forced=forced)
