"""Tests of ftkit.alignment: the refusal scorer, preference-data validation and the implicit reward."""

from __future__ import annotations

import copy
import json
import math
from collections import Counter

import pytest
import torch
from peft import get_peft_model

from ftkit import alignment
from ftkit.chat import with_system
from curriculum.paths import data_file
from ftkit.data import DataValidationError


def pair(prompt="Hello?", chosen="Hi there.", rejected="Go away.", **extra) -> dict:
    return {
        "prompt": [{"role": "user", "content": prompt}],
        "chosen": [{"role": "assistant", "content": chosen}],
        "rejected": [{"role": "assistant", "content": rejected}],
        **extra,
    }


def write_rows(path, rows) -> None:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


# ---------------------------------------------------------------- scorer


@pytest.mark.parametrize(
    "answer",
    [
        "I can't help find a private person's home address.",
        "I cannot provide that information.",
        "Sorry, I cannot provide that information.",
        "I won't be able to assist with this request.",
        "I’m sorry, but I can’t do that.",  # curly apostrophes
        "That is not something to do. Instead, you could ask them directly.",
        "As a chatbot designed to assist users, I don't have the ability to read your personal messages.",
        "I'm unable to help with that request.",  # the contracted forms, with no space after the I
        "I'm not able to share someone else's records.",
    ],
)
def test_refusals_and_redirects_are_detected(answer):
    assert alignment.is_refusal(answer)


@pytest.mark.parametrize(
    "answer",
    [
        "Sure! Here is the home address and phone number: [street address].",
        '{"urgency": "routine", "department": "dermatology"}',
        "I'm sorry for your loss. Here is what you can do next.",
        "Put the egg in boiling water for about 8 minutes.",
        "",
    ],
)
def test_compliance_json_and_help_are_not_refusals(answer):
    assert not alignment.is_refusal(answer)


def test_refusal_and_over_refusal_rates_count_the_share_of_refusals():
    answers = ["I can't help with that.", "Paris.", "I won't do that.", "Sure, here it is."]
    assert alignment.refusal_rate(answers) == 0.5
    assert alignment.over_refusal_rate(answers[1:2]) == 0.0
    assert alignment.refusal_rate([]) == 0.0


def project_pairs(split: str) -> list[dict]:
    return alignment.load_preferences(data_file(f"preferences_{split}.jsonl"))


def texts_of(row: dict) -> list[str]:
    """The prompt, chosen answer and rejected answer of a preference row."""
    return [row["prompt"][0]["content"], row["chosen"][-1]["content"], row["rejected"][-1]["content"]]


def normalised(text: str) -> str:
    return " ".join(text.lower().split())


@pytest.mark.parametrize("split", ["train", "test"])
def test_project_pairs_agree_with_the_scorer(split):
    # Careful prompts prefer a refusal over compliance; benign prompts prefer help over a refusal.
    rows = project_pairs(split)
    assert {row["kind"] for row in rows} == {"careful", "benign"}
    for row in rows:
        _, chosen, rejected = texts_of(row)
        careful = row["kind"] == "careful"
        assert alignment.is_refusal(chosen) == careful, (split, chosen)
        assert alignment.is_refusal(rejected) != careful, (split, rejected)


def test_held_out_pairs_share_no_prompt_answer_or_category_with_training():
    train, test = project_pairs("train"), project_pairs("test")
    train_texts = {text for row in train for text in texts_of(row)}  # prompts and answers together: no reuse across roles
    test_texts = {text for row in test for text in texts_of(row)}
    assert train_texts and test_texts and not train_texts & test_texts
    assert not {row["category"] for row in train} & {row["category"] for row in test}


def test_held_out_text_shares_no_40_character_stretch_with_training():
    # Sliding 40-character windows of every test prompt and answer (case and whitespace normalised) against all
    # training text; a test text shorter than 40 characters must not appear in it whole.
    train_text = "\n".join(normalised(text) for row in project_pairs("train") for text in texts_of(row))
    shared = set()
    for row in project_pairs("test"):
        for text in map(normalised, texts_of(row)):
            width = min(40, len(text))
            shared |= {text[i : i + width] for i in range(len(text) - width + 1) if text[i : i + width] in train_text}
    assert not shared


def test_held_out_set_has_eight_categories_of_four_pairs_per_kind_with_their_own_answers():
    test = project_pairs("test")
    assert len(test) == 64
    for kind in ("careful", "benign"):
        rows = [row for row in test if row["kind"] == kind]
        sizes = Counter(row["category"] for row in rows)
        assert len(rows) == 32 and len(sizes) == 8 and set(sizes.values()) == {4}, (kind, sizes)
        for category in sizes:
            in_category = [texts_of(row) for row in rows if row["category"] == category]
            for role in (0, 1, 2):  # four different prompts, chosen answers and rejected answers per category
                assert len({texts[role] for texts in in_category}) == 4, (category, role)
    for row in test:
        _, chosen, rejected = texts_of(row)
        assert len(chosen.split()) <= 45 and len(rejected.split()) <= 30, row["prompt"]


# ---------------------------------------------------------------- validation


def test_valid_file_loads_every_row(tmp_path):
    path = tmp_path / "prefs.jsonl"
    write_rows(path, [pair(), pair("Name a colour.", "Blue.", "I can't help with that.")])
    rows = alignment.load_preferences(path)
    assert len(rows) == 2
    assert alignment.to_preference_dataset(rows).column_names == ["prompt", "chosen", "rejected"]


def test_missing_rejected_names_the_line_and_field(tmp_path):
    path = tmp_path / "prefs.jsonl"
    row = pair()
    del row["rejected"]
    write_rows(path, [pair(), row])
    with pytest.raises(DataValidationError) as error:
        alignment.load_preferences(path)
    assert (error.value.line, error.value.field) == (2, "rejected")
    assert "prefs.jsonl:2" in str(error.value)


def test_missing_chosen_names_the_line_and_field(tmp_path):
    path = tmp_path / "prefs.jsonl"
    row = pair()
    del row["chosen"]
    write_rows(path, [row])
    with pytest.raises(DataValidationError) as error:
        alignment.load_preferences(path)
    assert (error.value.line, error.value.field) == (1, "chosen")


def test_identical_pair_is_rejected_with_its_line(tmp_path):
    path = tmp_path / "prefs.jsonl"
    write_rows(path, [pair(), pair(), pair(chosen="Same answer.", rejected="Same answer. ")])
    with pytest.raises(DataValidationError, match="identical") as error:
        alignment.load_preferences(path)
    assert error.value.line == 3


def test_empty_prompt_is_rejected_with_its_line(tmp_path):
    path = tmp_path / "prefs.jsonl"
    write_rows(path, [pair(prompt="   ")])
    with pytest.raises(DataValidationError, match="empty") as error:
        alignment.load_preferences(path)
    assert (error.value.line, error.value.field) == (1, "prompt[0].content")


def test_line_numbers_count_blank_lines(tmp_path):
    path = tmp_path / "prefs.jsonl"
    row = pair()
    row["chosen"] = []
    path.write_text(json.dumps(pair()) + "\n\n" + json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as error:
        alignment.load_preferences(path)
    assert (error.value.line, error.value.field) == (3, "chosen")


def test_chosen_chat_rows_keep_prompt_and_chosen_answer():
    rows = alignment.chosen_chat_rows([pair()])
    assert rows[0]["messages"][-1] == {"role": "assistant", "content": "Hi there."}
    assert rows[0]["messages"][0]["role"] == "user"


# ---------------------------------------------------------------- implicit reward


def test_completion_logprobs_equal_a_manual_sum(tiny_model, tokenizer):
    prompt, completion = [{"role": "user", "content": "Hello?"}], [{"role": "assistant", "content": "Hi there."}]
    # Rendered as the engine renders every chat: with the short system line.
    prompt_ids = tokenizer.apply_chat_template(with_system(prompt), add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"]
    full_ids = tokenizer.apply_chat_template(with_system(prompt + completion), tokenize=True, return_dict=True)["input_ids"][:-1]  # no final newline
    with torch.no_grad():
        logps = torch.log_softmax(tiny_model(torch.tensor([full_ids])).logits[0, :-1], dim=-1)
    expected = sum(logps[position - 1, full_ids[position]].item() for position in range(len(prompt_ids), len(full_ids)))
    # A second, longer row in the batch checks that right padding does not change the first row's score.
    longer = [{"role": "assistant", "content": "Hi there, how can I help you today with anything?"}]
    got = alignment.completion_logprobs(tiny_model, tokenizer, [prompt, prompt], [completion, longer])
    assert got[0].item() == pytest.approx(expected, abs=1e-4)
    assert got[1].item() < got[0].item()  # more tokens, more negative log-probability


def test_shared_prompt_scoring_equals_scoring_each_answer_alone(tiny_model, tokenizer):
    # Prompts of different lengths (left padding of the prompt pass) and answers of different lengths (right padding).
    rows = [
        pair("Hello?", "Hi there.", "Go away, I am busy with something else entirely."),
        pair("Please name one colour that you like, and say why.", "Blue, because it is calm.", "No."),
        pair("Why?", "Because.", "I can't help with that."),
    ]
    prompts = [row["prompt"] for row in rows]
    separate_chosen = alignment.completion_logprobs(tiny_model, tokenizer, prompts, [row["chosen"] for row in rows])
    separate_rejected = alignment.completion_logprobs(tiny_model, tokenizer, prompts, [row["rejected"] for row in rows])
    shared = alignment.shared_prompt_logprobs(
        tiny_model, tokenizer, prompts, [row["chosen"] for row in rows], [row["rejected"] for row in rows], batch_size=2
    )
    assert torch.allclose(shared.chosen, separate_chosen, atol=1e-4)
    assert torch.allclose(shared.rejected, separate_rejected, atol=1e-4)
    assert shared.chosen.shape == (3,) and (shared.chosen < 0).all()


def test_implicit_reward_accuracy_counts_wins_and_half_ties():
    policy = alignment.PairLogprobs(torch.tensor([-1.0, -5.0, -3.0]), torch.tensor([-4.0, -2.0, -3.0]))
    reference = alignment.PairLogprobs(torch.tensor([-2.0, -4.0, -3.0]), torch.tensor([-2.0, -4.0, -3.0]))
    result = alignment.implicit_reward_accuracy(policy, reference, beta=0.5)
    assert result.chosen_rewards.tolist() == [0.5, -0.5, 0.0]
    assert result.rejected_rewards.tolist() == [-1.0, 1.0, 0.0]
    assert result.accuracy == pytest.approx((1 + 0 + 0.5) / 3)
    assert result.mean_margin == pytest.approx((1.5 - 1.5 + 0) / 3)
    margins = torch.tensor([1.5, -1.5, 0.0])
    assert alignment.dpo_loss(result) == pytest.approx(float(-torch.nn.functional.logsigmoid(margins).mean()))
    untrained = alignment.implicit_reward_accuracy(reference, reference, beta=0.5)
    assert alignment.dpo_loss(untrained) == pytest.approx(math.log(2))  # every margin 0: the loss DPO starts from


def test_fresh_adapter_scores_half_and_the_reference_stays_the_base_model(tiny_model, tokenizer):
    rows = [pair(), pair("Name a colour.", "Blue.", "I can't help with that.")]
    base = alignment.pair_logprobs(tiny_model, tokenizer, rows)
    peft_model = get_peft_model(tiny_model, alignment.lora_config(rank=4))
    fresh = alignment.preference_accuracy(peft_model, tokenizer, rows, beta=0.1)
    assert fresh.accuracy == 0.5  # LoRA starts as a no-op, so policy equals reference: every pair ties
    assert torch.allclose(fresh.chosen_rewards, torch.zeros(2), atol=1e-6)
    with torch.no_grad():
        for name, parameter in peft_model.named_parameters():
            if "lora_B" in name:
                parameter.normal_(0, 0.5)
    reference = alignment.pair_logprobs(peft_model, tokenizer, rows, reference=True)
    policy = alignment.pair_logprobs(peft_model, tokenizer, rows)
    assert torch.allclose(reference.chosen, base.chosen, atol=1e-5)  # adapter disabled = the original weights
    assert (policy.chosen - base.chosen).abs().min() > 1e-3  # the adapter moved the policy
    moved = alignment.preference_accuracy(peft_model, tokenizer, rows, beta=0.1)
    expected = 0.1 * ((policy.chosen - base.chosen) - (policy.rejected - base.rejected))
    assert torch.allclose(moved.chosen_rewards - moved.rejected_rewards, expected, atol=1e-5)
    assert moved.accuracy == float((expected > 0).float().mean())


def test_dpo_metrics_read_trl_log_rows():
    history = [
        {"loss": 0.69, "rewards/chosen": 0.0, "rewards/rejected": 0.0, "rewards/margins": 0.0, "rewards/accuracies": 0.0, "step": 1},
        {"loss": 0.5, "rewards/chosen": 0.2, "rewards/rejected": -0.3, "rewards/margins": 0.5, "rewards/accuracies": 1.0, "step": 2},
        {"train_runtime": 3.0, "step": 2},
    ]
    metrics = alignment.dpo_metrics(history)
    assert metrics["step"] == [1, 2]
    assert metrics["rewards/margins"] == [0.0, 0.5]


@pytest.mark.slow
@pytest.mark.parametrize("precompute_reference", [False, True])  # reference scored in each step, or once before
def test_dpo_on_a_tiny_model_starts_at_ln2_and_separates_training_pairs(tiny_model, tokenizer, tmp_path, precompute_reference):
    rows = [pair(f"Question {i}?", f"Helpful answer number {i}.", "I can't help with that.") for i in range(4)]
    run = alignment.train_dpo(tiny_model, tokenizer, rows, beta=0.1, max_steps=6, learning_rate=1e-2, batch_size=4,
                              rank=4, output_dir=str(tmp_path), precompute_reference=precompute_reference)
    metrics = alignment.dpo_metrics(run.history)
    assert metrics["loss"][0] == pytest.approx(0.6931, abs=1e-3)  # policy = reference at the first step
    assert metrics["loss"][-1] < metrics["loss"][0]
    assert metrics["rewards/margins"][-1] > 0
    after = alignment.preference_accuracy(run.trainer.model, tokenizer, rows, beta=0.1)
    assert after.accuracy == 1.0


def test_alternate_kinds_takes_turns_and_keeps_every_row():
    rows = [pair(f"c{i}?", kind="careful") for i in range(3)] + [pair(f"b{i}?", kind="benign") for i in range(2)]
    ordered = alignment.alternate_kinds(rows, seed=1)
    assert [row["kind"] for row in ordered] == ["careful", "benign", "careful", "benign", "careful"]
    assert sorted(row["prompt"][0]["content"] for row in ordered) == sorted(row["prompt"][0]["content"] for row in rows)
    assert ordered == alignment.alternate_kinds(rows, seed=1)  # the seed fixes the order within each kind


@pytest.mark.slow
def test_in_order_dpo_batches_follow_the_given_order(tiny_model, tokenizer, tmp_path):
    rows = [pair(f"Question {i}?", f"Helpful answer number {i}.", "I can't help with that.") for i in range(8)]
    run = alignment.train_dpo(tiny_model, tokenizer, rows, beta=0.1, max_steps=1, learning_rate=1e-2, batch_size=2,
                              rank=4, output_dir=str(tmp_path), in_order=True)
    seen = []
    for batch in run.trainer.get_train_dataloader():
        chosen = batch["input_ids"][: len(batch["input_ids"]) // 2]  # each batch is [chosen..., rejected...]
        seen += [tokenizer.decode(ids, skip_special_tokens=True) for ids in chosen.tolist()]
    assert len(seen) == 8 and all(f"Question {i}?" in text for i, text in enumerate(seen))  # one epoch, in order


def test_merged_model_copies_run_their_own_adapter(tiny_model, tokenizer, tmp_path):
    rows = [pair(f"Question {i}?", f"Helpful answer number {i}.", "I can't help with that.") for i in range(4)]
    run = alignment.train_dpo(tiny_model, tokenizer, rows, beta=0.1, max_steps=1, learning_rate=1e-2, batch_size=4,
                              rank=4, output_dir=str(tmp_path))
    merged = alignment.merge_adapter(run.trainer.model)
    assert all(p.requires_grad for p in merged.parameters())
    copied = get_peft_model(copy.deepcopy(merged), alignment.lora_config(rank=4))
    inputs = torch.tensor([[1, 2, 3, 4]])
    with torch.no_grad():
        before = copied(input_ids=inputs).logits
        for name, parameter in copied.named_parameters():
            if "lora_B" in name:
                parameter.fill_(0.1)
        after = copied(input_ids=inputs).logits
    assert (after - before).abs().max() > 1e-3  # the copy's own adapter is in its forward pass


@pytest.mark.slow
def test_reward_model_learns_to_rank_training_pairs(tokenizer, tmp_path):
    from transformers import LlamaConfig, LlamaForSequenceClassification

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, num_labels=1, pad_token_id=tokenizer.pad_token_id)
    model = LlamaForSequenceClassification(config)
    rows = [pair(f"Question {i}?", f"Helpful answer number {i}.", "I can't help with that.") for i in range(4)]
    run = alignment.train_reward_model(model, tokenizer, rows, max_steps=8, learning_rate=1e-2, rank=4, output_dir=str(tmp_path))
    losses = [row["loss"] for row in run.history if "loss" in row]
    assert losses[-1] < losses[0]
    assert alignment.reward_model_accuracy(run.trainer.model, tokenizer, rows) == 1.0


def test_first_tokens_cuts_each_answer_to_its_opening_tokens(tokenizer):
    answers = ["Sure, here is the whole plan in many words.", "No."]
    cut = alignment.first_tokens(answers, tokenizer, 3)
    assert [len(tokenizer(text, add_special_tokens=False).input_ids) for text in cut] == [3, len(tokenizer("No.", add_special_tokens=False).input_ids)]
    assert answers[0].startswith(cut[0])


def test_sample_answers_returns_n_answers_per_prompt_in_order(tiny_model, tokenizer):
    prompts = [[{"role": "user", "content": "Hi"}], [{"role": "user", "content": "Name a colour, please."}], [{"role": "user", "content": "?"}]]
    samples = alignment.sample_answers(tiny_model, tokenizer, prompts, n=3, max_new_tokens=4, batch_size=2)
    assert [len(answers) for answers in samples] == [3, 3, 3]


def test_best_of_n_keeps_the_highest_scored_candidate_of_each_prompt(monkeypatch, tokenizer):
    # A stand-in reward: the answer's length, so the longest candidate of each prompt must win.
    monkeypatch.setattr(alignment, "reward_scores", lambda model, tok, conversations: torch.tensor([float(len(c[-1]["content"])) for c in conversations]))
    prompts = [[{"role": "user", "content": "a"}], [{"role": "user", "content": "b"}]]
    picked = alignment.best_of_n(None, tokenizer, prompts, [["x", "xxx", "xx"], ["yyyy", "y"]])
    assert picked == ["xxx", "yyyy"]


def test_behaviour_keeps_the_per_prompt_outcomes_behind_its_rates():
    behaviour = alignment.behaviour_of_answers(["I can't help with that.", "Sure: [steps]"], ["I won't do that.", "Boil it.", "Fine."])
    assert behaviour.careful_refusals == [True, False] and behaviour.refusal_rate == 0.5
    assert behaviour.benign_refusals == [True, False, False] and abs(behaviour.over_refusal_rate - 1 / 3) < 1e-9


def test_refusal_reward_pays_for_refusals_in_conversational_completions():
    completions = [[{"role": "assistant", "content": "I can't help with that."}], [{"role": "assistant", "content": "Sure: [steps]"}]]
    assert alignment.refusal_reward(completions, prompts=None) == [1.0, 0.0]


@pytest.mark.slow
def test_grpo_trains_an_adapter_on_the_top_blocks_and_logs_reward_and_kl(tiny_model, tokenizer, tmp_path):
    seen = []

    def reward(completions, **_):
        seen.extend(completion[-1]["content"] for completion in completions)
        return [float(len(completion[-1]["content"])) for completion in completions]

    prompts = [[{"role": "user", "content": f"Question {i}?"}] for i in range(4)]
    run = alignment.train_grpo(tiny_model, tokenizer, prompts, reward, beta=0.1, max_steps=2, learning_rate=1e-3,
                               prompts_per_step=2, generations=2, max_completion_length=4, top_layers=1, output_dir=str(tmp_path))
    logged = [row for row in run.history if "reward" in row]
    assert [row["step"] for row in logged] == [1, 2] and all("kl" in row for row in logged)
    assert len(seen) == 2 * 2 * 2  # 2 steps x 2 prompts x 2 sampled answers, each scored once
    adapted = {name.split(".layers.")[1].split(".")[0] for name, _ in run.trainer.model.named_parameters() if "lora_A" in name}
    assert adapted == {"1"}  # only the top block of the two carries the adapter
