"""ftkit.train's throughput against a bare PyTorch loop on the same batches, and against the CPU's matmul peak.

Both runs: the offline SmolLM2-135M-Instruct, fp32 on the CPU, AdamW at a constant learning rate, gradient clipping
at 1.0, the same triage rows in the same order with the same dynamic-padding collator. The rows are sorted by
length before batching, so each batch holds rows of nearly one length and padding stays small. Each timing covers
the whole call, optimizer set-up included; the runs alternate (bare, ftkit, bare, ...) so a busy machine penalises
both alike.

Prints:
- tokens/s of each loop (real tokens, padding excluded) and their ratio ftkit / bare;
- achieved GFLOP/s, counted as 6 * N * tokens / seconds (N = all parameters; forward 2N + backward 4N per token,
  attention's sequence-length term left out), against the measured fp32 peak of a 2048 x 2048 matmul;
- the padding share of every batch (padded positions / all positions), its maximum and mean.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from datasets import Dataset
from torch.utils.data import DataLoader

from curriculum.paths import data_file
from ftkit.data import load_chat_jsonl, padding_collator, to_train_dataset
from ftkit.env import get_profile, seed_everything
from ftkit.measure import measure
from ftkit.models import load_model, load_tokenizer
from ftkit.train import TrainConfig, train

MATMUL_SIZE = 2048
LEARNING_RATE = 1e-4


def matmul_peak_gflops(size: int = MATMUL_SIZE, repeats: int = 10) -> float:
    """fp32 GFLOP/s of a size x size matmul on this CPU (2·size³ FLOPs each), best of `repeats` after a warm-up."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    torch.mm(a, b)  # warm-up: thread pool and first-call costs
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e9


def length_sorted_dataset(tokenizer, rows: int) -> Dataset:
    """The first `rows` triage rows, tokenized and sorted by length (so a batch holds rows of nearly one length)."""
    dataset = to_train_dataset(load_chat_jsonl(data_file("triage_train.jsonl"))[:rows], tokenizer)
    lengths = [len(ids) for ids in dataset["input_ids"]]
    return dataset.select(sorted(range(len(lengths)), key=lengths.__getitem__))


def batches(dataset: Dataset, tokenizer, batch_size: int) -> list[dict]:
    """The padded batches, in order, as both loops see them."""
    return list(DataLoader(dataset, batch_size=batch_size, shuffle=False, collate_fn=padding_collator(tokenizer)))


def padding_shares(padded: list[dict]) -> list[float]:
    """Per batch: padded positions / all positions."""
    return [1.0 - float(batch["attention_mask"].sum()) / batch["attention_mask"].numel() for batch in padded]


def bare_loop(padded: list[dict]) -> tuple[float, int]:
    """(tokens/s, parameter count) of a plain loop: forward -> backward -> clip -> AdamW step, on the given batches."""
    seed_everything()
    model, _ = load_model(profile=get_profile("cpu"))
    model.train()
    with measure("cpu") as cost:
        optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.0)
        for batch in padded:
            model(**batch).loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)  # the Trainer clips at 1.0 too
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            cost.tokens += int(batch["attention_mask"].sum())
    return cost.tokens_per_s, sum(p.numel() for p in model.parameters())


def ftkit_loop(dataset: Dataset, padded: list[dict], batch_size: int) -> float:
    """Tokens/s of ftkit.train (HF Trainer) on the same batches in the same order (checked)."""
    seed_everything()
    model, tokenizer = load_model(profile=get_profile("cpu"))
    config = TrainConfig(
        max_steps=len(padded), learning_rate=LEARNING_RATE, per_device_train_batch_size=batch_size,
        output_dir="runs/benchmark", report_to="none", profile="cpu",
        train_sampling_strategy="sequential",  # the rows in the dataset's order, like the bare loop
    )
    result = train(model, tokenizer, dataset, config=config)
    trainer_batches = list(result.trainer.get_train_dataloader())[: len(padded)]
    if not all(torch.equal(ours["input_ids"], theirs["input_ids"].cpu()) for ours, theirs in zip(padded, trainer_batches)):
        raise RuntimeError("the Trainer saw different batches from the bare loop; the comparison would be unfair")
    return result.cost.tokens_per_s


def main() -> None:
    """Alternate the two loops and print throughput, ratio, achieved vs peak GFLOP/s and padding shares."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=2)
    arguments = parser.parse_args()
    peak = matmul_peak_gflops()
    tokenizer = load_tokenizer()
    dataset = length_sorted_dataset(tokenizer, arguments.steps * arguments.batch_size)
    padded = batches(dataset, tokenizer, arguments.batch_size)
    bare, ftkit = [], []
    for _ in range(arguments.repeats):
        tokens_per_s, parameters = bare_loop(padded)
        bare.append(tokens_per_s)
        ftkit.append(ftkit_loop(dataset, padded, arguments.batch_size))
    bare_median, ftkit_median = statistics.median(bare), statistics.median(ftkit)
    shares = padding_shares(padded)
    widths = [batch["input_ids"].shape[1] for batch in padded]
    print(f"{len(padded)} steps x {arguments.batch_size} rows ({min(widths)}-{max(widths)} tokens), {torch.get_num_threads()} threads")
    print(f"bare PyTorch loop: {bare_median:8.1f} tokens/s  (runs: {', '.join(f'{x:.1f}' for x in bare)})")
    print(f"ftkit.train      : {ftkit_median:8.1f} tokens/s  (runs: {', '.join(f'{x:.1f}' for x in ftkit)})")
    print(f"ratio ftkit/bare : {ftkit_median / bare_median:.3f}")
    for name, rate in (("bare", bare_median), ("ftkit", ftkit_median)):
        achieved = 6 * parameters * rate / 1e9
        print(f"achieved {name:5s}   : {achieved:6.1f} GFLOP/s = {achieved / peak:.0%} of the fp32 matmul peak "
              f"{peak:.1f} GFLOP/s ({MATMUL_SIZE}x{MATMUL_SIZE}); 6 x {parameters / 1e6:.1f}M parameters x tokens")
    print(f"padding share    : max {max(shares):.1%}, mean {statistics.mean(shares):.1%} "
          f"(per batch: {', '.join(f'{s:.1%}' for s in shares)})")


if __name__ == "__main__":
    main()
