"""Compare ftkit.train's throughput with a bare PyTorch forward/backward/step loop on the same batches.

Both runs: the offline SmolLM2-135M-Instruct, fp32, AdamW at a constant learning rate, the same triage rows in
the same (sequential) order with the same dynamic-padding collator. Each timing covers the whole call, set-up
included; the runs alternate (bare, ftkit, bare, ftkit) so a busy machine penalises both alike.
Prints tokens/s for each and their ratio (ftkit / bare).
"""

from __future__ import annotations

import argparse
import statistics

import torch
from torch.utils.data import DataLoader

from curriculum.paths import data_file
from ftkit.data import load_chat_jsonl, padding_collator, to_train_dataset
from ftkit.env import get_profile, seed_everything
from ftkit.measure import measure
from ftkit.models import load_model
from ftkit.train import TrainConfig, train


def bare_loop_tokens_per_s(dataset, steps: int, batch_size: int, learning_rate: float) -> float:
    """Tokens/s of a plain loop: DataLoader -> forward -> backward -> AdamW step."""
    seed_everything()
    model, tokenizer = load_model(profile=get_profile("cpu"))
    model.train()
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=False, collate_fn=padding_collator(tokenizer))
    with measure("cpu") as cost:
        optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=0.0)
        batches = iter(loader)
        for _ in range(steps):
            batch = next(batches)
            loss = model(**batch).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)  # the Trainer clips at 1.0 too
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            cost.tokens += int(batch["attention_mask"].sum())
    return cost.tokens_per_s


def ftkit_tokens_per_s(dataset, steps: int, batch_size: int, learning_rate: float) -> float:
    """Tokens/s of ftkit.train (HF Trainer) on the same batches in the same order."""
    seed_everything()
    model, tokenizer = load_model(profile=get_profile("cpu"))
    config = TrainConfig(
        max_steps=steps, learning_rate=learning_rate, batch_size=batch_size, output_dir="runs/benchmark",
        extra={"train_sampling_strategy": "sequential"},
    )
    return train(model, tokenizer, dataset, config=config).cost.tokens_per_s


def main() -> None:
    """Alternate the two loops and print the median throughput of each and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=2)
    arguments = parser.parse_args()
    _, tokenizer = load_model(profile=get_profile("cpu"))
    rows = load_chat_jsonl(data_file("triage_train.jsonl"))[: arguments.steps * arguments.batch_size]
    dataset = to_train_dataset(rows, tokenizer)
    bare, ftkit = [], []
    for _ in range(arguments.repeats):
        bare.append(bare_loop_tokens_per_s(dataset, arguments.steps, arguments.batch_size, 1e-4))
        ftkit.append(ftkit_tokens_per_s(dataset, arguments.steps, arguments.batch_size, 1e-4))
    bare_median, ftkit_median = statistics.median(bare), statistics.median(ftkit)
    print(f"bare PyTorch loop: {bare_median:8.1f} tokens/s  (runs: {', '.join(f'{x:.1f}' for x in bare)})")
    print(f"ftkit.train      : {ftkit_median:8.1f} tokens/s  (runs: {', '.join(f'{x:.1f}' for x in ftkit)})")
    print(f"ratio ftkit/bare : {ftkit_median / bare_median:.3f}")


if __name__ == "__main__":
    main()
