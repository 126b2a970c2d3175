"""The OpenAPI 3.0 description of API v1, written by hand next to the views it describes: one module per
tag (account, home, study, practice, exams, contests, group-study, ledger, assessment), each with its SCHEMAS and PATHS.

tests/web/test_api_openapi.py validates it as OpenAPI and checks every route of the blueprint is in it;
the API tests check real responses against these schemas.
"""
from __future__ import annotations

from flask import jsonify

from .. import bp
from . import account, assessment, common, contests, exams, group_study, home, ledger, practice, study
from .common import ok, op

#: Tags group operations into the named modules of generated clients.
TAGS = [
    {"name": "account", "description": "登录令牌、本人信息、修改密码"},
    {"name": "home", "description": "首页概览"},
    {"name": "study", "description": "学习模块与章节、学习记录、搜索"},
    {"name": "practice", "description": "练习、每日一练、错题复习、错题本"},
    {"name": "exams", "description": "考试场次、答卷、成绩"},
    {"name": "contests", "description": "答题竞赛：轮次、答题、排行榜"},
    {"name": "group-study", "description": "集中学习与签到"},
    {"name": "ledger", "description": "组织生活：本支部活动与我的出席"},
    {"name": "assessment", "description": "支部评估定级结果"},
    {"name": "meta", "description": "本文档"},
]

PARTS = (common, account, home, study, practice, exams, contests, group_study, ledger, assessment)

META = {
    "/openapi.json": {"get": op("getOpenapi", "meta", "This document", {"200": ok({"type": "object"})},
                                secure=False)},
}


def _merged(name: str) -> dict:
    merged: dict = {}
    for part in PARTS:
        for key, value in getattr(part, name, {}).items():
            if key in merged:
                raise ValueError(f"{name} {key} is described twice ({part.__name__})")
            merged[key] = value
    return merged


SCHEMAS = _merged("SCHEMAS")
PATHS = {**_merged("PATHS"), **META}


def document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "studyapp API",
            "version": "1",
            "description": "支部工作条例学习考试平台 JSON API. Errors are {\"error\": {\"code\", \"message\"}}; "
                           "timestamps are ISO 8601 in UTC.",
        },
        "servers": [{"url": "/api/v1"}],
        "tags": TAGS,
        "security": [{"bearer": []}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "token from POST /auth/token"}},
        },
    }


@bp.route("/openapi.json")
def openapi_json():
    return jsonify(document())
