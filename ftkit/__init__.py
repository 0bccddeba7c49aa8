"""ftkit: the support package of the fine-tuning curriculum (measure the problem, then the fix)."""

__version__ = "0.1.0"
