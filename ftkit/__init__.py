"""ftkit: measure a fine-tuning problem, then the fix — data audit, scoring with intervals, training, cost.

The public names below resolve on first use (PEP 562), so `import ftkit` loads neither torch nor transformers.
Two functions share their module's name and are imported from it: `from ftkit.train import train` and
`from ftkit.measure import measure` (a package attribute named like a submodule is replaced on that import).
"""

from __future__ import annotations

import importlib

__version__ = "0.3.0"

# public name -> the module that defines it
_PUBLIC = {
    # environment: profile, dtype by capability, seeds
    "Profile": "ftkit.env",
    "get_profile": "ftkit.env",
    "seed_everything": "ftkit.env",
    "describe_environment": "ftkit.env",
    "compute_dtype_for": "ftkit.env",
    # models
    "load_model": "ftkit.models",
    "load_tokenizer": "ftkit.models",
    # chats and data sets
    "SYSTEM_LINE": "ftkit.chat",
    "with_system": "ftkit.chat",
    "DataValidationError": "ftkit.chat",
    "validate_messages": "ftkit.chat",
    "validate_preference_row": "ftkit.chat",
    "read_jsonl": "ftkit.data",
    "load_chat_jsonl": "ftkit.data",
    "to_train_dataset": "ftkit.data",
    # the scoring engine
    "eval_mode": "ftkit.scoring",
    "answer_logprobs": "ftkit.scoring",
    "text_logprobs": "ftkit.scoring",
    "generate": "ftkit.scoring",
    # intervals and recorded results
    "Estimate": "ftkit.stats",
    "rate": "ftkit.stats",
    "wilson_interval": "ftkit.stats",
    "bootstrap_mean": "ftkit.stats",
    "paired_bootstrap_difference": "ftkit.stats",
    "bootstrap_statistic": "ftkit.stats",
    "estimates_table": "ftkit.stats",
    "record": "ftkit.results",
    # training and its cost
    "TrainConfig": "ftkit.train",
    "TrainResult": "ftkit.train",
    "Measurement": "ftkit.measure",
    "estimate_training_memory": "ftkit.memory",
    # the data audit
    "audit": "ftkit.data_quality",
    "clean": "ftkit.data_quality",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    """Import a public name's module on first use."""
    if name not in _PUBLIC:
        raise AttributeError(f"module 'ftkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(_PUBLIC[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
