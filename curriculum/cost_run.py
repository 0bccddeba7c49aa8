"""Train one method in its own process and write what it cost (memory, time) and bought (loss, accuracy) as JSON.

One process per method keeps the peaks apart: freed memory is not always returned to the OS, so a second run in
the same process would start from the first one's high-water mark.

    python -m curriculum.cost_run --method lora --steps 8 --output runs/03_compute_cost/lora.json
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import subprocess
import sys
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path

import psutil
import torch

from curriculum.paths import data_file
from ftkit.data import load_chat_jsonl, prompt_messages, reference_answer, to_train_dataset
from ftkit.env import get_profile, seed_everything
from ftkit.evaluate import answers_to
from ftkit.measure import measure
from ftkit.memory import METHODS, MethodSpec, block_linear_weight_bytes, count_parameters, weight_bytes
from ftkit.methods import build_method_model
from ftkit.scoring import answer_logprobs, mean_token_loss
from ftkit.train import TrainConfig, train
from curriculum.triage import triage_correct

MAX_LENGTH = 192  # triage rows are ~146 tokens with the chat template; nothing is cut


def answer_loss(model, tokenizer, rows: list[dict], batch_size: int = 8) -> float:
    """Mean cross-entropy per answer token on chat rows (the prompt is masked, as in training)."""
    scores = answer_logprobs(model, tokenizer, [prompt_messages(row) for row in rows], [reference_answer(row) for row in rows],
                             batch_size=batch_size, max_length=MAX_LENGTH)
    return mean_token_loss(scores)


def current_memory_bytes(device: str) -> int:
    """What this process holds now: CUDA allocated bytes, or resident set size on CPU."""
    return torch.cuda.memory_allocated() if device == "cuda" else psutil.Process().memory_info().rss


def settle_loaded_model(model, device: str) -> None:
    """On CPU: move the weights off the memory-mapped checkpoint and return freed memory, so RSS counts weights once.

    safetensors weights are memory-mapped: an unquantized weight stays a view of the file, which keeps the whole
    mapping open, and with it every page read while loading (a 4-bit load reads all fp32 linear weights to quantize
    them: ~400 MiB of file pages that would count in RSS next to the 4-bit copies). Copying the floating-point weights
    into ordinary memory closes the mapping; malloc_trim returns what loading freed.
    """
    if device != "cpu":
        return
    with torch.no_grad():
        for parameter in model.parameters():
            if parameter.dtype.is_floating_point:  # 4-bit weights are packed uint8, already in ordinary memory
                parameter.data = parameter.data.clone()
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


def file_bytes(folder: Path) -> int:
    """Total size of the files in a folder."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


@dataclass
class CostReport:
    """One method's run: parameters, bytes, memory peaks (MiB), speed and quality after the budget."""

    method: str
    model: str
    trainable_params: int
    total_params: int
    weight_mib: float  # every parameter as stored (4-bit constants included)
    linear_values: int  # block linear-layer weights: count and stored bytes (nf4 packing counted)
    linear_stored_mib: float
    load_peak_mib: float  # loading and preparing the model, above the process before loading
    after_load_mib: float  # held once loaded, above the process before loading
    train_peak_mib: float  # training, above the loaded model
    peak_mib: float  # after_load + train_peak: the training peak above the process before loading
    steps: int
    batch_size: int
    seconds_per_step: float
    tokens_per_s: float
    mean_seq_len: float  # non-padding tokens per row seen in training
    padded_seq_len: float  # mean length of the padded training batches (what activations scale with)
    learning_rate: float
    first_train_loss: float
    final_train_loss: float
    heldout_loss: float
    accuracy: float
    saved_mib: float  # adapter (adapters) or full safetensors checkpoint (others); 0 when not saved
    device: str


def run_method(
    method_name: str,
    steps: int,
    batch_size: int,
    eval_rows: int,
    accuracy_rows: int,
    output_dir: Path,
    model_id: str | None = None,
    save: bool = False,
) -> CostReport:
    """Load, train `steps` steps, evaluate and optionally save one method; return the measurements."""
    profile = get_profile()
    seed_everything()
    method = MethodSpec(method_name)
    before = current_memory_bytes(profile.device)
    with measure(profile.device) as load_cost:
        built = build_method_model(method, model_id, profile)
    settle_loaded_model(built.model, profile.device)
    after_load = current_memory_bytes(profile.device) - before
    model, tokenizer = built.model, built.tokenizer
    trainable, total = count_parameters(model)
    linear = block_linear_weight_bytes(model)

    train_rows = load_chat_jsonl(data_file("triage_train.jsonl"))
    test_rows = load_chat_jsonl(data_file("triage_test.jsonl"))
    train_set = to_train_dataset(train_rows, tokenizer, MAX_LENGTH)
    config = TrainConfig(
        max_steps=steps,
        learning_rate=built.learning_rate,
        per_device_train_batch_size=batch_size,
        output_dir=str(output_dir / method_name),
        report_to="none",  # one process per method: no TensorBoard writer to start and flush
        profile=profile.name,
    )
    result = train(model, tokenizer, train_set, config=config)
    losses = [loss for _, loss in result.train_losses]
    # The Trainer's sampler is seeded, so a fresh dataloader replays the training batches in the same order.
    padded = [batch["input_ids"].shape[1] for batch in islice(result.trainer.get_train_dataloader(), steps)]
    heldout = answer_loss(model, tokenizer, test_rows[:eval_rows])
    # The reference answers are at most 18 tokens with the end-of-turn token; 20 new tokens cover them.
    answers = answers_to(model, tokenizer, test_rows[:accuracy_rows], max_new_tokens=20, batch_size=profile.eval_batch_size)
    accuracy = sum(triage_correct(a, r) for a, r in zip(answers, test_rows)) / max(len(answers), 1)

    saved = 0.0
    if save:
        folder = output_dir / f"{method_name}_saved"
        model.save_pretrained(folder)  # adapters: adapter weights only; others: the full safetensors checkpoint
        saved = file_bytes(folder) / 2**20
    return CostReport(
        method=method_name,
        model=model_id or profile.model_id or "SmolLM2-135M-Instruct (offline)",
        trainable_params=trainable,
        total_params=total,
        weight_mib=weight_bytes(model) / 2**20,
        linear_values=linear.values,
        linear_stored_mib=linear.stored_bytes / 2**20,
        load_peak_mib=load_cost.peak_memory_mib,
        after_load_mib=after_load / 2**20,
        train_peak_mib=result.cost.peak_memory_mib,
        peak_mib=after_load / 2**20 + result.cost.peak_memory_mib,
        steps=steps,
        batch_size=batch_size,
        seconds_per_step=result.cost.seconds / steps,
        tokens_per_s=result.cost.tokens_per_s,
        mean_seq_len=result.cost.tokens / (steps * batch_size),
        padded_seq_len=sum(padded) / len(padded),
        learning_rate=built.learning_rate,
        first_train_loss=losses[0],
        final_train_loss=result.final_train_loss,
        heldout_loss=heldout,
        accuracy=accuracy,
        saved_mib=saved,
        device=profile.device,
    )


def run_in_subprocess(method: str, output: Path, **options) -> dict:
    """Run `python -m curriculum.cost_run` for one method in a fresh process and return its JSON report."""
    command = [sys.executable, "-m", "curriculum.cost_run", "--method", method, "--output", str(output)]
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            command += [flag] if value else []
        elif value is not None:
            command += [flag, str(value)]
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError(f"{method} run failed (exit {completed.returncode}):\n{completed.stderr[-3000:]}")
    return json.loads(Path(output).read_text())


def main(argv: list[str] | None = None) -> None:
    """Command line: one method, its budget, where to write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", choices=METHODS, required=True)
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--eval-rows", type=int, default=32)
    parser.add_argument("--accuracy-rows", type=int, default=24)
    parser.add_argument("--model-id", default=None, help="hub id or local folder; default: the profile's model")
    parser.add_argument("--save", action="store_true", help="save the adapter or checkpoint and report its size")
    parser.add_argument("--output", type=Path, required=True, help="where to write the JSON report")
    args = parser.parse_args(argv)
    report = run_method(
        args.method, args.steps, args.batch_size, args.eval_rows, args.accuracy_rows, args.output.parent, args.model_id, args.save
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(asdict(report), indent=2))


if __name__ == "__main__":
    main()
