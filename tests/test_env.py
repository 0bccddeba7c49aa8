"""Profiles, seeds and the environment printout."""

from __future__ import annotations

import pytest
import torch

from ftkit.env import compute_dtype_for, describe_environment, get_profile, get_seed, precision_arguments, seed_everything


def test_profile_defaults_to_cpu_without_cuda(monkeypatch):
    monkeypatch.delenv("FTKIT_PROFILE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    profile = get_profile()
    assert profile.name == "cpu" and profile.compute_dtype == torch.float32 and not profile.mixed_precision


def test_gpu_profile_uses_mixed_precision_and_refuses_without_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: (8, 0))
    assert get_profile("gpu").mixed_precision
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="CUDA"):
        get_profile("gpu")


def test_unknown_profile_is_rejected(monkeypatch):
    monkeypatch.setenv("FTKIT_PROFILE", "tpu")
    with pytest.raises(ValueError, match="FTKIT_PROFILE"):
        get_profile()


def test_seed_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("FTKIT_SEED", "7")
    assert get_seed() == 7 and seed_everything() == 7
    first = torch.rand(3)
    seed_everything()
    assert torch.equal(first, torch.rand(3))
    monkeypatch.setenv("FTKIT_SEED", "seven")
    with pytest.raises(ValueError, match="FTKIT_SEED"):
        get_seed()


def test_description_names_profile_seed_and_versions(monkeypatch):
    monkeypatch.setenv("FTKIT_SEED", "3")
    line = describe_environment(get_profile("cpu"))
    assert "profile=cpu" in line and "seed=3" in line and f"torch {torch.__version__}" in line


@pytest.mark.parametrize(
    ("capability", "dtype"),
    [(None, torch.float32), ((7, 5), torch.float16), ((7, 0), torch.float16), ((8, 0), torch.bfloat16), ((9, 0), torch.bfloat16)],
)
def test_compute_dtype_is_bf16_only_from_capability_8_0(capability, dtype):
    assert compute_dtype_for(capability) == dtype


@pytest.mark.parametrize(
    ("capability", "dtype", "flags"),
    [
        ((7, 5), torch.float16, {"bf16": False, "fp16": True, "use_cpu": False}),  # a T4: fp16 with loss scaling
        ((8, 0), torch.bfloat16, {"bf16": True, "fp16": False, "use_cpu": False}),  # an A100
    ],
)
def test_gpu_profile_takes_its_dtype_from_the_device_capability(monkeypatch, capability, dtype, flags):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: capability)
    profile = get_profile("gpu")
    assert (profile.device, profile.compute_dtype) == ("cuda", dtype)
    assert precision_arguments(profile) == flags


def test_cpu_profile_trains_in_fp32_on_the_cpu(monkeypatch):
    monkeypatch.delenv("FTKIT_PROFILE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    profile = get_profile()
    assert (profile.device, profile.compute_dtype) == ("cpu", torch.float32)
    assert precision_arguments(profile) == {"bf16": False, "fp16": False, "use_cpu": True}
