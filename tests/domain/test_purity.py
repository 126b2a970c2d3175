"""The domain layer stays free of Flask and SQLAlchemy so its rules can be tested and reused alone."""
import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "studyapp" / "domain"
FORBIDDEN = ("flask", "flask_", "sqlalchemy")


def test_domain_imports_no_framework():
    offenders = []
    for path in DOMAIN.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {name}" for name in names if name.startswith(FORBIDDEN)]
    assert offenders == []
    assert any(DOMAIN.rglob("*.py"))
