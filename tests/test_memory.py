"""The training-memory estimator against the real tensors of a tiny Llama."""

from __future__ import annotations

import pytest
import torch
from transformers import LlamaConfig, LlamaForCausalLM

from ftkit.memory import (
    LinearWeightBytes,
    MethodSpec,
    ModelShape,
    block_linear_weight_bytes,
    bytes_per_value,
    count_parameters,
    estimate_training_memory,
    nf4_bytes_per_value,
    weight_bytes,
    saved_activation_bytes,
    trainable_parameters,
)
from ftkit.methods import prepare_method


def tiny_config(tied: bool = True, hidden: int = 64) -> LlamaConfig:
    """A 2-block Llama with grouped-query attention, small enough to build in milliseconds."""
    return LlamaConfig(
        vocab_size=256, hidden_size=hidden, intermediate_size=2 * hidden, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, tie_word_embeddings=tied, attn_implementation="sdpa",
    )


def tiny_model(tied: bool = True, hidden: int = 64) -> LlamaForCausalLM:
    torch.manual_seed(0)
    return LlamaForCausalLM(tiny_config(tied, hidden))


def test_shape_counts_every_parameter_of_the_model():
    for tied in (True, False):
        model = tiny_model(tied)
        assert ModelShape.from_config(model.config).total_params == sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("name", ["full", "last_blocks", "lora", "prefix", "prompt", "ia3"])
def test_trainable_count_matches_the_built_method(name):
    method = MethodSpec(name, unfrozen_blocks=1, virtual_tokens=4)
    model = prepare_method(tiny_model(), method)
    trainable, _ = count_parameters(model)
    assert trainable == trainable_parameters(ModelShape.from_config(tiny_config()), method)


def test_nf4_costs_half_a_byte_plus_its_constants():
    assert nf4_bytes_per_value(double_quant=False) == pytest.approx(0.5 + 4 / 64)
    # Double quantization shrinks the constants from 0.5 to ~0.127 bits per weight (the QLoRA paper's figure).
    constant_bits = (nf4_bytes_per_value(double_quant=True) - 0.5) * 8
    assert constant_bits == pytest.approx(0.127, abs=0.001)
    assert bytes_per_value("bf16") == 2 and bytes_per_value("fp32") == 4 and bytes_per_value("int8") == 1
    with pytest.raises(ValueError, match="unknown dtype"):
        bytes_per_value("fp8")


def test_unknown_method_is_rejected():
    with pytest.raises(ValueError, match="unknown method"):
        MethodSpec("dora")


def test_weights_gradients_and_adamw_states_match_the_real_tensors_after_a_step():
    for method in (MethodSpec("full"), MethodSpec("lora")):
        model = prepare_method(tiny_model(), method)
        params = [p for p in model.parameters() if p.requires_grad]
        optimizer = torch.optim.AdamW(params, lr=1e-3)
        ids = torch.randint(0, 256, (2, 8))
        model(input_ids=ids, labels=ids).loss.backward()
        optimizer.step()
        gradient_bytes = sum(p.grad.numel() * p.grad.element_size() for p in params)
        state_bytes = sum(
            value.numel() * value.element_size()
            for state in optimizer.state.values()
            for key, value in state.items()
            if key in ("exp_avg", "exp_avg_sq")
        )
        estimate = estimate_training_memory(ModelShape.from_config(tiny_config()), method, batch_size=2, seq_len=8)
        assert estimate.weights == weight_bytes(model)
        assert estimate.gradients == gradient_bytes
        assert estimate.optimizer == state_bytes


def test_activation_estimate_is_within_a_quarter_of_what_autograd_saves():
    model = tiny_model()
    shape = ModelShape.from_config(model.config)
    ids = torch.randint(0, 256, (4, 32))
    measured = saved_activation_bytes(model, {"input_ids": ids, "labels": ids})
    estimated = estimate_training_memory(shape, MethodSpec("full"), batch_size=4, seq_len=32).activations
    assert measured > 0
    assert abs(estimated - measured) / measured < 0.25, (estimated, measured)


def test_training_only_the_last_block_keeps_fewer_activations():
    ids = torch.randint(0, 256, (4, 32))
    batch = {"input_ids": ids, "labels": ids}
    full = saved_activation_bytes(tiny_model(), batch)
    last = saved_activation_bytes(prepare_method(tiny_model(), MethodSpec("last_blocks", unfrozen_blocks=1)), batch)
    assert last < full


def test_four_bit_linear_weights_take_about_a_quarter_of_their_bf16_bytes(tmp_path):
    from ftkit.models import nf4_config

    # Wide enough that each layer's fixed 1 KiB codebook is small next to its packed weights, as in real models.
    tiny_model(hidden=256).save_pretrained(tmp_path)
    quantized = LlamaForCausalLM.from_pretrained(tmp_path, quantization_config=nf4_config(torch.float32))
    linear = block_linear_weight_bytes(quantized)
    shape = ModelShape.from_config(tiny_config(hidden=256))
    assert linear.values == shape.linear_params
    assert linear.fraction_of("bf16") == pytest.approx(nf4_bytes_per_value() / 2, rel=0.05)
    assert linear.fraction_of("bf16") > nf4_bytes_per_value() / 2  # the codebooks are real bytes too
    assert block_linear_weight_bytes(tiny_model(hidden=256)) == LinearWeightBytes(shape.linear_params, 4 * shape.linear_params)
    _, total = count_parameters(quantized)
    assert total == shape.total_params  # a packed 4-bit weight still counts as its number of values
