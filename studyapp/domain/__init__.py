"""Pure business rules: no Flask, no SQLAlchemy (tests/domain/test_purity.py enforces it)."""
