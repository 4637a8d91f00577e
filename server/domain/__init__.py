"""Pure decisions: no Flask, no SQLAlchemy, no I/O; time and zone are passed in."""
