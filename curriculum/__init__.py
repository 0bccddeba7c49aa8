"""The curriculum's lessons: per-notebook experiment code, data paths and budgets (not part of the ftkit wheel)."""
