"""Roster import in the browser: upload, template download, result with the initial credentials.

The one-time codes of new accounts exist only in the response to the upload: the result page carries
the credentials file inline (data: links with a download name), so nothing secret is stored on the
server, not even temporarily, and the page is sent with Cache-Control: no-store. Reloading the page
re-imports the same file, which changes nothing and issues no new codes.
"""
from __future__ import annotations

import base64
import io

from flask import abort, render_template, send_file
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired

from ...domain import sheets
from ...domain.problems import ValidationFailed
from ...domain.roster import parse_roster, template_rows
from ...extensions import db
from ...services.roster import CREDENTIALS_HEADER, import_roster
from ..clock import now
from . import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"


class RosterForm(FlaskForm):
    file = FileField("名册文件（.xlsx 或 .csv）", validators=[
        FileRequired("请选择名册文件"), FileAllowed(["xlsx", "csv"], "只支持 .xlsx 或 .csv 文件")])


@bp.route("/roster", methods=["GET", "POST"])
def roster_import():
    form = RosterForm()
    problems = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            records = parse_roster(upload.read(), upload.filename or "名册")
            result = import_roster(db.session, current_user, records, now(), filename=upload.filename)
        except ValidationFailed as failed:
            db.session.rollback()
            problems = [str(problem) for problem in failed.problems]
        else:
            db.session.commit()
            return render_template("admin/roster_result.html", result=result, downloads=_downloads(result))
    return render_template("admin/roster_import.html", form=form, problems=problems)


@bp.route("/roster/template.<fmt>")
def roster_template(fmt: str):
    header, rows = template_rows()
    if fmt == "xlsx":
        data, mimetype = sheets.to_xlsx(header, rows, "名册", widths=[12, 16, 24, 16, 10]), XLSX
    elif fmt == "csv":
        data, mimetype = sheets.to_csv(header, rows), CSV
    else:
        abort(404)
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=f"党员名册模板.{fmt}")


def _downloads(result) -> list[tuple[str, str, str]]:
    """(label, download name, data: URL) of the credentials file in each format; none if no new accounts."""
    if not result.credentials:
        return []
    rows = result.credential_rows()
    stamp = now().strftime("%Y%m%d-%H%M")
    files = [("下载 Excel（.xlsx）", "xlsx", XLSX, sheets.to_xlsx(CREDENTIALS_HEADER, rows, "初始密码", [16, 12, 24, 24])),
             ("下载 CSV", "csv", CSV, sheets.to_csv(CREDENTIALS_HEADER, rows))]
    return [(label, f"初始密码-{stamp}.{ext}", f"data:{mime};base64,{base64.b64encode(data).decode()}")
            for label, ext, mime, data in files]
