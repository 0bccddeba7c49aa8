"""Build each fine-tuning method's trainable model: full, last blocks only, LoRA, QLoRA, prefix, prompt and IA3."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from peft import (
    IA3Config,
    LoraConfig,
    PeftModel,
    PrefixTuningConfig,
    PromptTuningConfig,
    TaskType,
    get_peft_model,
    prepare_model_for_kbit_training,
)
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from ftkit.env import Profile, get_profile
from ftkit.memory import MethodSpec
from ftkit.models import load_model

# Learning rates for a short budget: adapters start from zero (LoRA's B, IA3's ones, a fresh prefix) and need
# larger steps than full fine-tuning, which moves 135M weights at once. These follow each paper's order of magnitude.
LEARNING_RATES = {
    "full": 1e-4,
    "last_blocks": 3e-4,
    "lora": 1e-3,
    "qlora": 1e-3,
    "prefix": 1e-2,
    "prompt": 3e-2,
    "ia3": 1e-2,
}


def lora_config(method: MethodSpec) -> LoraConfig:
    """LoRA on the targeted linear layers: ΔW = (alpha / r)·B·A with B initialised to zero."""
    return LoraConfig(
        task_type=TaskType.CAUSAL_LM,
        r=method.lora_rank,
        lora_alpha=32,  # alpha/r = 4 scales the update; the QLoRA paper's r=8-64 with alpha 16-32 range
        lora_dropout=method.lora_dropout,
        target_modules=list(method.lora_targets),
        bias="none",
    )


def peft_config(method: MethodSpec):
    """The PEFT config for an adapter method."""
    if method.name in ("lora", "qlora"):
        return lora_config(method)
    if method.name == "prefix":
        return PrefixTuningConfig(task_type=TaskType.CAUSAL_LM, num_virtual_tokens=method.virtual_tokens)
    if method.name == "prompt":
        return PromptTuningConfig(task_type=TaskType.CAUSAL_LM, num_virtual_tokens=method.virtual_tokens)
    if method.name == "ia3":
        return IA3Config(task_type=TaskType.CAUSAL_LM)
    raise ValueError(f"{method.name!r} is not an adapter method")


def freeze_all_but_last_blocks(model: PreTrainedModel, blocks: int) -> PreTrainedModel:
    """Train only the last `blocks` decoder blocks and the final norm; embeddings (tied to the head) stay frozen."""
    layers = model.model.layers
    if not 0 < blocks <= len(layers):
        raise ValueError(f"blocks must be in 1..{len(layers)}, got {blocks}")
    model.requires_grad_(False)
    for layer in layers[-blocks:]:
        layer.requires_grad_(True)
    model.model.norm.requires_grad_(True)
    return model


def prepare_method(model: PreTrainedModel, method: MethodSpec) -> PreTrainedModel:
    """Make an already loaded model trainable the way `method` says (QLoRA expects a 4-bit model)."""
    if method.name == "full":
        model.requires_grad_(True)
        return model
    if method.name == "last_blocks":
        return freeze_all_but_last_blocks(model, method.unfrozen_blocks)
    if method.name == "qlora":
        # Casts norms to fp32 and enables input gradients; gradient checkpointing is off (15-20x slower on CPU).
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=False)
    return get_peft_model(model, peft_config(method))


@dataclass
class MethodModel:
    """A model ready to train with one method, its tokenizer and the learning rate for the budget."""

    method: MethodSpec
    model: PreTrainedModel | PeftModel
    tokenizer: PreTrainedTokenizerBase
    learning_rate: float


def weight_dtype(method: MethodSpec, profile: Profile) -> torch.dtype:
    """The dtype to load the weights in: the compute dtype where the base stays frozen (adapters), fp32 where it trains.

    A frozen base needs no fp32 master copy, so on a GPU it is stored in the compute dtype (half the memory); weights
    that train stay fp32 for the optimizer, and PEFT keeps an adapter's own weights in fp32. On the CPU the compute
    dtype is fp32 anyway.
    """
    return profile.compute_dtype if method.is_adapter else torch.float32


def build_method_model(method: MethodSpec, model_id: str | None = None, profile: Profile | None = None) -> MethodModel:
    """Load the model (in nf4 for QLoRA) and prepare it for `method`."""
    profile = profile or get_profile()
    model, tokenizer = load_model(
        model_id, profile=profile, load_in_4bit=method.name == "qlora", dtype=weight_dtype(method, profile)
    )
    return MethodModel(method, prepare_method(model, method), tokenizer, LEARNING_RATES[method.name])
