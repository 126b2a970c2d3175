"""Browser end-to-end tests (marker e2e)."""
