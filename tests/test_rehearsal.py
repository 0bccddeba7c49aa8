"""Pseudo-rehearsal: the base model's own answers become replay rows; cut answers are trimmed, bad ones counted."""

from __future__ import annotations

from ftkit import rehearsal
from ftkit.data import mix_rehearsal, reference_answer
from ftkit.evaluate import user_prompt
from ftkit.scoring import generate
from ftkit.rehearsal import self_generated_replay, trim_to_sentence


def test_trim_keeps_complete_sentences_only():
    assert trim_to_sentence("Drink water. Sleep well. Then go for a") == "Drink water. Sleep well."
    assert trim_to_sentence("Is it 3.5 today? Yes! And") == "Is it 3.5 today? Yes!"
    assert trim_to_sentence("no sentence ends here") == ""


def test_replay_rows_pair_each_prompt_with_the_models_own_greedy_answer(tiny_model, tokenizer):
    prompts = ["Name a fruit.", "Say hello."]
    expected = generate(tiny_model, tokenizer, [user_prompt(p) for p in prompts], max_new_tokens=4)
    # The tiny random model babbles to the limit, so every answer counts as cut; compare against the trimmed text.
    replay = self_generated_replay(tiny_model, tokenizer, prompts, max_new_tokens=4)
    kept = [trim_to_sentence(a) for a in expected if trim_to_sentence(a)]
    assert [reference_answer(row) for row in replay.rows] == kept
    assert [row["messages"][0]["content"] for row in replay.rows] == [p for p, a in zip(prompts, expected) if trim_to_sentence(a)]
    assert len(replay.rows) + sum(replay.dropped.values()) == len(prompts)


def test_empty_and_unfinished_answers_are_dropped_with_counted_reasons(monkeypatch, tokenizer):
    long_cut = "Water the plants daily. Keep them in the sun and " + "very " * 40
    answers = ["", "A noun names a thing.", long_cut, "and then " * 40]
    monkeypatch.setattr(rehearsal, "generate", lambda *args, **kwargs: answers)
    replay = self_generated_replay(None, tokenizer, ["a", "b", "c", "d"], max_new_tokens=32)
    assert [reference_answer(row) for row in replay.rows] == ["A noun names a thing.", "Water the plants daily."]
    assert replay.dropped == {"empty answer": 1, "cut off with no complete sentence": 1}
    assert replay.report() == "replay set: 2 rows kept; dropped: 1 cut off with no complete sentence, 1 empty answer"


def test_self_generated_replay_mixes_at_the_requested_share(monkeypatch, tokenizer):
    monkeypatch.setattr(rehearsal, "generate", lambda model, tok, convs, *a, **k: [f"Answer {i}." for i in range(len(convs))])
    replay = self_generated_replay(None, tokenizer, [f"prompt {i}" for i in range(20)])
    domain = [{"messages": [{"role": "user", "content": f"note {i}"}, {"role": "assistant", "content": "{}"}]} for i in range(30)]
    mixed = mix_rehearsal(domain, replay.rows, 0.25, seed=3)
    replayed = [row for row in mixed if row["messages"][0]["content"].startswith("prompt")]
    assert len(mixed) == 40 and len(replayed) == 10
