"""The reference step that budgets are counted in: one plain AdamW step of the offline model on 4 x 64 tokens.

A step-unit (DESIGN.md) is the median time of this step on the machine at hand, so a budget in step-units holds
on any CPU: full fine-tuning, fp32, torch's default threads, a batch of 4 x 64 random tokens with labels, median of 5
after 2 warm-ups.
"""

from __future__ import annotations

import statistics
import time

BATCH, LENGTH = 4, 64
WARMUPS, TIMED = 2, 5


def reference_step_seconds(warmups: int = WARMUPS, timed: int = TIMED) -> float:
    """Median seconds of one full fine-tuning AdamW step (fp32) of the offline model on BATCH x LENGTH random tokens."""
    import torch  # imported here: the timing plugin loads this module in every pytest run

    from ftkit.env import get_profile
    from ftkit.models import load_model

    torch.manual_seed(0)
    model, _ = load_model(profile=get_profile("cpu"))
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5)
    tokens = torch.randint(0, model.config.vocab_size, (BATCH, LENGTH))
    times = []
    for index in range(warmups + timed):
        start = time.perf_counter()
        model(input_ids=tokens, labels=tokens).loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if index >= warmups:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print the reference step of this machine."""
    import torch

    seconds = reference_step_seconds()
    print(f"reference step (full fine-tuning, fp32, {BATCH} x {LENGTH} tokens, {torch.get_num_threads()} threads, "
          f"median of {TIMED} after {WARMUPS} warm-ups): {seconds:.2f} s = 1 step-unit")


if __name__ == "__main__":
    main()
