"""The scoring engine against a plain per-row computation: one row at a time, no padding, log-softmax by hand.

Tolerance: 1e-4 absolute on summed log-probabilities in fp32 (padding and the prompt cache change float rounding
only; a masking or position error moves a sum by whole nats).
"""

from __future__ import annotations

import pytest
import torch

from ftkit.chat import SYSTEM_LINE, with_system
from ftkit.data import tokenize_chat
from ftkit.scoring import (
    AnswerScore,
    answer_logprobs,
    eval_mode,
    generate,
    mean_token_loss,
    prompt_token_ids,
    score_token_ids,
    text_logprobs,
)

TOLERANCE = 1e-4


def user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


def rendered(tokenizer, prompt: list[dict], answer: str) -> tuple[list[int], list[int]]:
    """Prompt and answer ids straight from the chat template (the final newline after the end-of-turn token dropped)."""
    prompt_ids = tokenizer.apply_chat_template(with_system(prompt), add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"]
    full = tokenizer.apply_chat_template(with_system([*prompt, {"role": "assistant", "content": answer}]), tokenize=True, return_dict=True)
    full_ids = full["input_ids"][:-1]
    assert full_ids[: len(prompt_ids)] == prompt_ids
    return prompt_ids, full_ids[len(prompt_ids) :]


def per_row_logprob(model, ids: list[int], first_scored: int) -> float:
    """Sum of log p(ids[t] | ids[:t]) for t >= first_scored, from one unpadded forward pass."""
    with torch.no_grad():
        logps = torch.log_softmax(model(torch.tensor([ids])).logits[0].float(), dim=-1)
    return sum(logps[t - 1, ids[t]].item() for t in range(first_scored, len(ids)))


PROMPTS = [user("Hello?"), user("Please name one colour that you like, and say why."), user("Why?")]
ANSWERS = ["Hi there.", "Blue, because it is calm.", "Go away, I am busy with something else entirely."]


def test_batched_answer_logprobs_equal_per_row_sums(tiny_model, tokenizer):
    tiny_model.train()
    # batch_size=2 over rows of different lengths: some rows are padded.
    scores = answer_logprobs(tiny_model, tokenizer, PROMPTS, ANSWERS, batch_size=2)
    for score, prompt, answer in zip(scores, PROMPTS, ANSWERS):
        prompt_ids, answer_ids = rendered(tokenizer, prompt, answer)
        expected = per_row_logprob(tiny_model.eval(), prompt_ids + answer_ids, len(prompt_ids))
        assert score.tokens == len(answer_ids)
        assert score.logprob == pytest.approx(expected, abs=TOLERANCE)
    assert scores[2].logprob < scores[0].logprob  # more tokens, lower log-probability


def test_shared_prompt_scores_equal_per_row_sums(tiny_model, tokenizer):
    # Three answers to the long prompt with batch_size=2: its answers are split over two batches.
    prompts = [PROMPTS[1], PROMPTS[0], PROMPTS[1], PROMPTS[0], PROMPTS[1], PROMPTS[2]]
    answers = ["Blue.", "Hi there.", "Green, like grass in spring after the rain.", "No.", "Red!", "Because."]
    scores = answer_logprobs(tiny_model, tokenizer, prompts, answers, batch_size=2, shared_prompt=True)
    for score, prompt, answer in zip(scores, prompts, answers):
        prompt_ids, answer_ids = rendered(tokenizer, prompt, answer)
        assert score.tokens == len(answer_ids)
        assert score.logprob == pytest.approx(per_row_logprob(tiny_model, prompt_ids + answer_ids, len(prompt_ids)), abs=TOLERANCE)


def test_text_logprobs_equal_per_text_sums(tiny_model, tokenizer):
    texts = ["Short text.", "A much longer text that forces the short one to be padded in the batch.", "Mid-sized text here."]
    scores = text_logprobs(tiny_model, tokenizer, texts, batch_size=2)
    for score, text in zip(scores, texts):
        ids = tokenizer(text)["input_ids"]
        assert score.tokens == len(ids) - 1  # nothing predicts the first token
        assert score.logprob == pytest.approx(per_row_logprob(tiny_model, ids, 1), abs=TOLERANCE)


def test_max_length_cuts_the_answer_as_training_does(tiny_model, tokenizer):
    prompt_ids, answer_ids = rendered(tokenizer, PROMPTS[0], ANSWERS[2])
    [score] = answer_logprobs(tiny_model, tokenizer, [PROMPTS[0]], [ANSWERS[2]], max_length=len(prompt_ids) + 3)
    assert score.tokens == 3
    assert score.logprob == pytest.approx(per_row_logprob(tiny_model, prompt_ids + answer_ids[:3], len(prompt_ids)), abs=TOLERANCE)


def test_rows_with_nothing_to_score_get_zero_and_short_shared_prompts_are_refused(tiny_model, tokenizer):
    assert score_token_ids(tiny_model, tokenizer, [([5, 6, 7], []), ([], [9])]) == [AnswerScore(0.0, 0), AnswerScore(0.0, 0)]
    with pytest.raises(ValueError, match="at least two tokens"):
        score_token_ids(tiny_model, tokenizer, [([5], [6, 7])], shared_prompt=True)


def test_losses_derive_from_sums_and_counts():
    assert AnswerScore(-6.0, 3).loss == 2.0
    assert AnswerScore(0.0, 0).loss == 0.0
    # Per token over all rows, (3 + 5) / (3 + 1) = 2, not the mean of the rows' losses, (1 + 5) / 2 = 3.
    assert mean_token_loss([AnswerScore(-3.0, 3), AnswerScore(-5.0, 1)]) == 2.0
    assert mean_token_loss([]) == 0.0


def test_training_and_the_engine_render_the_same_short_system_line(tokenizer):
    prompt = user("Hello?")
    prompt_ids = prompt_token_ids(tokenizer, prompt)
    training = tokenize_chat([*prompt, {"role": "assistant", "content": "Hi."}], tokenizer)
    masked = sum(label == -100 for label in training["labels"])
    assert training["input_ids"][:masked] == prompt_ids  # the prompt the model is trained after is the one it is asked
    text = tokenizer.decode(prompt_ids)
    assert text.startswith(f"<|im_start|>system\n{SYSTEM_LINE}<|im_end|>") and "SmolLM" not in text


def test_eval_mode_restores_modes_and_padding_side_even_after_an_exception(tiny_model, tokenizer):
    tiny_model.train()
    tiny_model.model.layers[0].eval()  # a module held in eval mode on purpose stays so
    assert tokenizer.padding_side == "right"
    with pytest.raises(RuntimeError, match="inside"):
        with eval_mode(tiny_model, tokenizer, padding_side="left"):
            assert not tiny_model.training and not tiny_model.model.layers[1].training
            assert tokenizer.padding_side == "left" and not torch.is_grad_enabled()
            raise RuntimeError("inside")
    assert tiny_model.training and tiny_model.model.layers[1].training and not tiny_model.model.layers[0].training
    assert tokenizer.padding_side == "right" and torch.is_grad_enabled()
    with eval_mode(tiny_model, gradients=True):
        assert torch.is_grad_enabled() and not tiny_model.training
    with pytest.raises(ValueError, match="tokenizer"):
        with eval_mode(tiny_model, padding_side="left"):
            pass


def greedy_ids(model, tokenizer, prompt: list[dict], steps: int) -> list[int]:
    """Greedy continuation one token at a time: argmax of the last position, no cache, no padding."""
    ids = tokenizer.apply_chat_template(with_system(prompt), add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"]
    new = []
    with torch.no_grad():
        for _ in range(steps):
            new.append(int(model(torch.tensor([ids + new])).logits[0, -1].argmax()))
    return new


def test_batched_generation_equals_one_row_at_a_time_and_plain_greedy(tiny_model, tokenizer):
    prompts = [user("Hello"), user("What is the capital of France? Answer briefly please."), user("Name a fruit."), user("Hi")]
    together = generate(tiny_model, tokenizer, prompts, max_new_tokens=5, batch_size=3)
    alone = [generate(tiny_model, tokenizer, [prompt], max_new_tokens=5)[0] for prompt in prompts]
    assert together == alone  # left padding and length-sorted batches change no answer, and the order is kept
    assert together[1] == tokenizer.decode(greedy_ids(tiny_model.eval(), tokenizer, prompts[1], 5), skip_special_tokens=True).strip()
    assert tokenizer.padding_side == "right"


def test_generation_stops_at_the_end_token_or_at_the_cap(tiny_model, tokenizer):
    prompt = user("What is the capital of France? Answer briefly please.")
    tiny_model.eval()
    steps = greedy_ids(tiny_model, tokenizer, prompt, 8)
    assert tokenizer.eos_token_id not in steps  # the random model never ends by itself: the cap stops it
    assert generate(tiny_model, tokenizer, [prompt], max_new_tokens=8)[0] == tokenizer.decode(steps, skip_special_tokens=True).strip()
    # Declare the first token that is new at step 3 or later to be the end token: generation must stop right after it.
    stop = next(index for index in range(2, 8) if steps[index] not in steps[:index])
    tiny_model.generation_config.eos_token_id = steps[stop]
    answers = generate(tiny_model, tokenizer, [prompt, user("Hi")], max_new_tokens=8, batch_size=2)
    assert answers[0] == tokenizer.decode(steps[: stop + 1], skip_special_tokens=True).strip()


def test_audit_ranking_scores_equal_per_row_computations(tiny_model, tokenizer):
    from ftkit.data_quality.ranking import answer_losses, label_logprobs

    questions = ["Great kettle.", "The handle broke after a week and the lid never closed properly.", "Fine."]
    rows = [{"messages": [*user(q), {"role": "assistant", "content": "positive"}]} for q in questions]
    labels = ["positive", "negative"]
    # batch_size=2 prompts: three prompts make two batches, one of them padded.
    got = label_logprobs(tiny_model, tokenizer, rows, labels, batch_size=2)
    losses = answer_losses(tiny_model, tokenizer, rows, batch_size=2)
    first_tokens = [tokenizer(label, add_special_tokens=False)["input_ids"][0] for label in labels]
    assert got.shape == (3, 2)
    for index, question in enumerate(questions):
        prompt_ids, answer_ids = rendered(tokenizer, user(question), "positive")
        with torch.no_grad():
            next_token = torch.log_softmax(tiny_model(torch.tensor([prompt_ids])).logits[0, -1].float(), dim=-1)
        assert torch.allclose(got[index], next_token[first_tokens], atol=TOLERANCE)
        mean_loss = -per_row_logprob(tiny_model, prompt_ids + answer_ids, len(prompt_ids)) / len(answer_ids)
        assert losses[index] == pytest.approx(mean_loss, abs=TOLERANCE)


def test_label_logprobs_after_an_answer_prefix_read_the_token_that_follows_the_prefix(tiny_model, tokenizer):
    from ftkit.data_quality.ranking import label_logprobs

    rows = [{"messages": [*user(q), {"role": "assistant", "content": "{}"}]} for q in ("Chest pain.", "A sore knee since May.")]
    labels, prefix = ["emergency", "urgent", "routine"], '{"urgency": "'
    got = label_logprobs(tiny_model, tokenizer, rows, labels, batch_size=2, answer_prefix=prefix)
    prefix_ids = tokenizer(prefix, add_special_tokens=False)["input_ids"]
    # Written out from the tokenizer's own split: '{"', 'urg', 'ency', '":', ' "' then 'emerg' / 'urg' / 'routine'.
    first_tokens = [tokenizer(prefix + label, add_special_tokens=False)["input_ids"][len(prefix_ids)] for label in labels]
    assert [tokenizer.decode([token]) for token in first_tokens] == ["emerg", "urg", "routine"]
    for index, row in enumerate(rows):
        prompt_ids, _ = rendered(tokenizer, row["messages"][:1], "{}")
        with torch.no_grad():
            next_token = torch.log_softmax(tiny_model(torch.tensor([prompt_ids + prefix_ids])).logits[0, -1].float(), dim=-1)
        assert torch.allclose(got[index], next_token[first_tokens], atol=TOLERANCE)


def test_label_logprobs_reject_a_prefix_that_merges_into_the_label(tiny_model, tokenizer):
    from ftkit.data_quality.ranking import label_logprobs

    rows = [{"messages": [*user("Chest pain."), {"role": "assistant", "content": "{}"}]}]
    with pytest.raises(ValueError, match="does not start a new token"):
        # "rout" is one token, "routine" another: the label would not begin at a token boundary.
        label_logprobs(tiny_model, tokenizer, rows, ["ine"], answer_prefix="rout")


def test_shared_prefix_length_leaves_every_prompt_a_token_of_its_own():
    from ftkit.scoring import shared_prefix_length

    assert shared_prefix_length([[1, 2, 3, 4], [1, 2, 3, 5], [1, 2, 9]]) == 2
    assert shared_prefix_length([[1, 2, 3], [1, 2, 3, 4]]) == 2  # the shorter prompt keeps its last token
    assert shared_prefix_length([[7, 1], [8, 1]]) == 0


def test_generation_from_a_shared_opening_gives_the_answers_of_each_prompt_alone(tiny_model, tokenizer, monkeypatch):
    from ftkit import scoring

    examples = [*user("Note: chest pain."), {"role": "assistant", "content": "emergency"},
                *user("Note: sore knee."), {"role": "assistant", "content": "routine"}]
    conversations = [[*examples, *user(f"Note: {note}")] for note in ("fever", "a rash since May", "cut finger")]
    prompts = [scoring.prompt_token_ids(tokenizer, conversation) for conversation in conversations]
    assert scoring.shared_prefix_length(prompts) >= scoring.MIN_SHARED_OPENING  # the opening is cached and reused
    with monkeypatch.context() as patch:
        patch.setattr(scoring, "MIN_SHARED_OPENING", 10**6)  # no cached opening: each whole prompt on its own
        expected = scoring.generate(tiny_model, tokenizer, conversations, max_new_tokens=6, batch_size=1)
    for batch_size in (1, 2, 3):  # in batches, a shorter row's padding sits between the opening and its own tokens
        assert scoring.generate(tiny_model, tokenizer, conversations, max_new_tokens=6, batch_size=batch_size) == expected


def test_next_token_logprobs_after_a_shared_prefix_equal_each_prompts_own_forward_pass(tiny_model, tokenizer):
    from ftkit.scoring import next_token_logprobs_after_shared_prefix, prompt_token_ids

    shots = [{"role": "user", "content": "Review: great lid"}, {"role": "assistant", "content": "positive"}]
    conversations = [shots + [{"role": "user", "content": f"Review: item {i} broke" + " again" * i}] for i in range(3)]
    wanted = [5, 9]
    tiny_model.eval()
    expected = []
    with torch.no_grad():
        for conversation in conversations:  # the whole prompt, alone: the model's own last position
            ids = torch.tensor([prompt_token_ids(tokenizer, conversation)])
            expected.append(torch.log_softmax(tiny_model(input_ids=ids).logits[0, -1].float(), dim=-1)[wanted])
    found = next_token_logprobs_after_shared_prefix(tiny_model, tokenizer, conversations, wanted, batch_size=2)  # padded batches
    assert torch.allclose(found, torch.stack(expected), atol=1e-5)


@pytest.mark.parametrize("method", ["prompt tuning", "prefix tuning"])
def test_prompt_and_prefix_tuning_generate_and_score_from_whole_prompts(tiny_model, tokenizer, monkeypatch, method):
    from peft import PrefixTuningConfig, PromptTuningConfig, get_peft_model

    from ftkit import scoring

    config_class = PromptTuningConfig if method == "prompt tuning" else PrefixTuningConfig
    model = get_peft_model(tiny_model, config_class(task_type="CAUSAL_LM", num_virtual_tokens=4))
    conversations = [user(question) for question in ("Hello there", "What is the capital of France?", "Name a fruit.")]
    assert not scoring.caches_prompts(model) and scoring.caches_prompts(tiny_model)
    with monkeypatch.context() as patch:
        patch.setattr(scoring, "MIN_SHARED_OPENING", 10**6)  # whole prompts, as these methods need
        expected = scoring.generate(model, tokenizer, conversations, max_new_tokens=4, batch_size=3)
    # The virtual tokens come before every input: a cached opening would leave them out (wrong answers or a shape error).
    assert scoring.generate(model, tokenizer, conversations, max_new_tokens=4, batch_size=3) == expected
    answers = ["Hi.", "Paris.", "An apple."]
    shared = scoring.answer_logprobs(model, tokenizer, conversations, answers, shared_prompt=True)
    assert shared == scoring.answer_logprobs(model, tokenizer, conversations, answers)
    with pytest.raises(ValueError, match="prompt or prefix tuning"):
        scoring.next_token_logprobs_after_shared_prefix(model, tokenizer, conversations, [0, 1])
