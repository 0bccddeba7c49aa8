"""The offline model: GGUF -> safetensors cache, chat template, 4-bit loading."""

from __future__ import annotations

import pytest
import torch

from ftkit.env import get_profile
from ftkit.models import GGUF_FILE, gguf_folder, load_model, offline_model_path


@pytest.fixture(scope="module")
def offline_model():
    return load_model(profile=get_profile("cpu"))


def test_offline_model_is_cached_as_safetensors():
    path = offline_model_path()
    assert (gguf_folder() / GGUF_FILE).exists()
    assert (path / "model.safetensors").exists() and not list(path.glob("*.bin"))


@pytest.mark.slow
def test_offline_model_answers_through_its_chat_template(offline_model):
    model, tokenizer = offline_model
    assert sum(p.numel() for p in model.parameters()) == 134_515_008  # SmolLM2-135M
    messages = [{"role": "user", "content": "What is the capital of France?"}]
    inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
    assert tokenizer.decode(inputs["input_ids"][0]).endswith("<|im_start|>assistant\n")
    output = model.generate(**inputs, max_new_tokens=12, do_sample=False)
    assert "Paris" in tokenizer.decode(output[0, inputs["input_ids"].shape[1] :])


@pytest.mark.slow
def test_four_bit_model_stores_linear_weights_in_nf4(offline_model):
    import bitsandbytes as bnb

    quantized, _ = load_model(profile=get_profile("cpu"), load_in_4bit=True)
    layers = [m for m in quantized.modules() if isinstance(m, bnb.nn.Linear4bit)]
    assert len(layers) == 30 * 7  # q, k, v, o, gate, up, down in each of 30 blocks
    assert layers[0].weight.quant_type == "nf4"
    full, tokenizer = offline_model
    inputs = tokenizer("The capital of France is", return_tensors="pt")
    with torch.no_grad():
        assert quantized(**inputs).logits[0, -1].argmax() == full(**inputs).logits[0, -1].argmax()


class _LoadRecorder:
    """Stands in for from_pretrained: records the path and keyword arguments, returns a given object."""

    def __init__(self, returned):
        self.returned, self.calls = returned, []

    def __call__(self, path, **kwargs):
        self.calls.append((path, kwargs))
        return self.returned


def test_hub_ids_load_at_their_pinned_revision(monkeypatch, tiny_model, tokenizer):
    import re

    from ftkit import models

    model_loads, tokenizer_loads = _LoadRecorder(tiny_model), _LoadRecorder(tokenizer)
    monkeypatch.setattr(models.AutoModelForCausalLM, "from_pretrained", model_loads)
    monkeypatch.setattr(models.AutoTokenizer, "from_pretrained", tokenizer_loads)
    models.load_model("HuggingFaceTB/SmolLM2-135M-Instruct", profile=get_profile("cpu"))
    pinned = models.HUB_REVISIONS["HuggingFaceTB/SmolLM2-135M-Instruct"]
    assert re.fullmatch(r"[0-9a-f]{40}", pinned)
    assert [(path, kwargs.get("revision")) for path, kwargs in model_loads.calls + tokenizer_loads.calls] == [
        ("HuggingFaceTB/SmolLM2-135M-Instruct", pinned)
    ] * 2
    assert model_loads.calls[0][1]["use_safetensors"] is True and "trust_remote_code" not in model_loads.calls[0][1]


def test_frozen_base_and_4bit_compute_use_the_profile_dtype(monkeypatch, tiny_model, tokenizer):
    from ftkit import models
    from ftkit.env import Profile
    from ftkit.memory import MethodSpec
    from ftkit.methods import weight_dtype

    t4 = Profile("gpu", "HuggingFaceTB/SmolLM2-135M-Instruct", torch.float16, "cpu", 64)  # a T4's dtype, on this CPU
    assert [weight_dtype(MethodSpec(name), t4) for name in ("lora", "qlora", "ia3", "full", "last_blocks")] == [
        torch.float16, torch.float16, torch.float16, torch.float32, torch.float32
    ]
    assert weight_dtype(MethodSpec("lora"), get_profile("cpu")) == torch.float32
    model_loads = _LoadRecorder(tiny_model)
    monkeypatch.setattr(models.AutoModelForCausalLM, "from_pretrained", model_loads)
    monkeypatch.setattr(models.AutoTokenizer, "from_pretrained", _LoadRecorder(tokenizer))
    models.load_model(profile=t4, load_in_4bit=True, dtype=torch.float16)
    kwargs = model_loads.calls[0][1]
    assert kwargs["dtype"] == torch.float16 and kwargs["quantization_config"].bnb_4bit_compute_dtype == torch.float16
