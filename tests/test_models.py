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


def test_offline_model_answers_through_its_chat_template(offline_model):
    model, tokenizer = offline_model
    assert sum(p.numel() for p in model.parameters()) == 134_515_008  # SmolLM2-135M
    messages = [{"role": "user", "content": "What is the capital of France?"}]
    inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
    assert tokenizer.decode(inputs["input_ids"][0]).endswith("<|im_start|>assistant\n")
    output = model.generate(**inputs, max_new_tokens=12, do_sample=False)
    assert "Paris" in tokenizer.decode(output[0, inputs["input_ids"].shape[1] :])


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
