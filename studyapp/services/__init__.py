"""Use cases over the ORM. Each takes the session (and actor, now) explicitly, flushes, never commits:
the caller (a view or a CLI command) commits once."""
