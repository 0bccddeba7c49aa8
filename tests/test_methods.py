"""Each method's model trains what it should, and the cost-run helpers score and measure correctly."""

from __future__ import annotations

import pytest
import torch
from transformers import LlamaConfig, LlamaForCausalLM

from curriculum.cost_run import answer_row_losses
from ftkit.data import chat_row
from ftkit.memory import MethodSpec, count_parameters
from ftkit.methods import LEARNING_RATES, freeze_all_but_last_blocks, prepare_method
from ftkit.models import load_tokenizer


def tiny_model(vocab_size: int = 256) -> LlamaForCausalLM:
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=vocab_size, hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=4,
        num_key_value_heads=2, tie_word_embeddings=True,
    )
    return LlamaForCausalLM(config)


@pytest.mark.parametrize("name", ["full", "last_blocks", "lora", "prefix", "prompt", "ia3"])
def test_a_few_steps_of_each_method_lower_the_loss_on_a_fixed_batch(name):
    model = prepare_method(tiny_model(), MethodSpec(name, virtual_tokens=4, lora_dropout=0.0, unfrozen_blocks=1))
    ids = torch.randint(0, 256, (4, 12), generator=torch.Generator().manual_seed(0))
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=LEARNING_RATES[name] * 10)
    losses = []
    for _ in range(5):
        loss = model(input_ids=ids, labels=ids).loss
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    assert losses[-1] < losses[0]


def test_freezing_trains_only_the_last_blocks_and_final_norm():
    model = freeze_all_but_last_blocks(tiny_model(), blocks=1)
    trainable = {name for name, p in model.named_parameters() if p.requires_grad}
    assert trainable and all(name.startswith(("model.layers.2.", "model.norm.")) for name in trainable)
    assert "model.norm.weight" in trainable
    with pytest.raises(ValueError, match="blocks must be in 1..3"):
        freeze_all_but_last_blocks(tiny_model(), blocks=4)


def test_lora_leaves_the_base_weights_frozen_and_starts_as_a_no_op():
    base = tiny_model()
    ids = torch.randint(0, 256, (2, 8))
    before = base(input_ids=ids).logits
    model = prepare_method(base, MethodSpec("lora")).eval()
    assert torch.allclose(model(input_ids=ids).logits, before)  # B starts at zero
    trainable = [name for name, p in model.named_parameters() if p.requires_grad]
    assert trainable and all("lora_" in name for name in trainable)


def test_count_parameters_splits_trainable_from_frozen():
    model = freeze_all_but_last_blocks(tiny_model(), blocks=1)
    trainable, total = count_parameters(model)
    assert total == sum(p.numel() for p in model.parameters())
    assert trainable == sum(p.numel() for p in model.model.layers[2].parameters()) + model.model.norm.weight.numel()


def test_answer_row_losses_count_only_answer_tokens():
    tokenizer = load_tokenizer()
    model = tiny_model(vocab_size=len(tokenizer))
    rows = [chat_row("Note: chest pain", '{"urgency": "emergency"}'), chat_row("Note: mild rash on the arm", "{}")]
    losses = answer_row_losses(model, tokenizer, rows, batch_size=1)
    # An untrained model is close to uniform over the vocabulary: each row's loss near ln(vocab), whatever the prompt length.
    uniform = torch.log(torch.tensor(float(len(tokenizer)))).item()
    assert len(losses) == len(rows) and all(abs(loss - uniform) < 0.5 for loss in losses)
    assert answer_row_losses(model, tokenizer, rows, batch_size=2) == pytest.approx(losses, rel=1e-4)  # padding changes nothing


def test_settling_a_loaded_model_releases_the_memory_mapped_checkpoint(tmp_path):
    import gc

    import psutil

    from curriculum.cost_run import settle_loaded_model

    tiny_model().save_pretrained(tmp_path)
    model = LlamaForCausalLM.from_pretrained(tmp_path)
    checkpoint = str(tmp_path / "model.safetensors")
    before = model.model.embed_tokens.weight.detach().clone()
    mapped = lambda: any(m.path == checkpoint for m in psutil.Process().memory_maps())  # noqa: E731
    settle_loaded_model(model, "cpu")
    gc.collect()
    assert not mapped(), "the weights should live in ordinary memory, not in a view of the checkpoint file"
    assert torch.equal(model.model.embed_tokens.weight, before)
    assert model.lm_head.weight is model.model.embed_tokens.weight  # the tie survives
