"""Train one method in its own process and write what it cost (memory, time) and bought (held-out loss per row) as JSON.

One process per method keeps the peaks apart: freed memory is not always returned to the OS, so a second run in
the same process would start from the first one's high-water mark. `run_in_subprocesses` pays the imports once: one
process imports torch, transformers and PEFT (about 10 s on a 2-core CPU), then forks a fresh child for each run
before any model is loaded or any tensor computed.

    python -m curriculum.cost_run --method lora --steps 8 --output runs/03_compute_cost/lora.json
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import subprocess
import sys
import tempfile
import traceback
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path

import psutil
import torch

from curriculum.paths import data_file
from ftkit.data import load_chat_jsonl, prompt_messages, reference_answer, to_train_dataset
from ftkit.env import get_profile, seed_everything
from ftkit.measure import measure
from ftkit.memory import METHODS, MethodSpec, block_linear_weight_bytes, count_parameters, weight_bytes
from ftkit.methods import LEARNING_RATES, build_method_model
from ftkit.data_quality.ranking import label_logprobs
from ftkit.scoring import AnswerScore, answer_logprobs
from ftkit.train import TrainConfig, train

MAX_LENGTH = 192  # triage rows are ~146 tokens with the chat template; nothing is cut
# Each method's rate on this task and budget (8 steps of 2 triage rows): of its ftkit.methods default times 1/3, 1 and
# 3, the one with the lowest held-out loss averaged over seeds 0, 1 and 2 in the recorded sweep
# (results/sweeps/03_compute_cost_qlora.csv; tests/test_cost_run.py checks that these are its choices).
SWEPT_RATES = {name: LEARNING_RATES[name] * factor for name, factor in
               {"full": 1 / 3, "last_blocks": 1, "lora": 1, "qlora": 1, "prefix": 3, "prompt": 3, "ia3": 3}.items()}
URGENCIES = ["emergency", "urgent", "routine"]
URGENCY_PREFIX = '{"urgency": "'  # every triage answer opens with this; the label's first token follows


def answer_scores(model, tokenizer, rows: list[dict], batch_size: int = 8) -> list[AnswerScore]:
    """Each chat row's reference-answer log-likelihood (the prompt is masked, as in training)."""
    return answer_logprobs(model, tokenizer, [prompt_messages(row) for row in rows], [reference_answer(row) for row in rows],
                           batch_size=batch_size, max_length=MAX_LENGTH)


def answer_row_losses(model, tokenizer, rows: list[dict], batch_size: int = 8) -> list[float]:
    """Each row's mean cross-entropy per answer token: one value per row, for intervals over rows."""
    return [score.loss for score in answer_scores(model, tokenizer, rows, batch_size)]


def predicted_urgency(model, tokenizer, rows: list[dict]) -> list[str]:
    """The urgency the model would write first in its JSON answer: the likeliest of the three labels' first tokens."""
    scores = label_logprobs(model, tokenizer, rows, URGENCIES, answer_prefix=URGENCY_PREFIX)
    return [URGENCIES[int(index)] for index in scores.argmax(dim=1)]


def trained_row_indices(batches: list[dict], dataset) -> list[int]:
    """Which dataset rows the training batches held, in order."""
    where = {tuple(ids): index for index, ids in enumerate(dataset["input_ids"])}
    rows = []
    for batch in batches:
        for ids, mask in zip(batch["input_ids"], batch["attention_mask"]):
            rows.append(where[tuple(ids[mask.bool()].tolist())])
    return rows


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
    heldout_loss: float  # mean of the rows' per-token losses (each row weighs the same)
    heldout_row_losses: list[float]
    trained_rows: list[int]  # indices into the training file, in the order the batches held them
    urgency_predictions: list[str]  # for the first `urgency_rows` held-out rows; empty when not asked
    saved_mib: float  # adapter (adapters) or full safetensors checkpoint (others); 0 when not saved
    device: str


def run_method(
    method_name: str,
    steps: int,
    batch_size: int,
    eval_rows: int,
    output_dir: Path,
    model_id: str | None = None,
    save: bool = False,
    learning_rate: float | None = None,
    urgency_rows: int = 0,
    seed: int | None = None,
) -> CostReport:
    """Load, train `steps` steps, evaluate and optionally save one method; return the measurements.

    `learning_rate` overrides the method's default (a sweep); `urgency_rows` > 0 also reads the trained model's
    urgency choice on that many held-out rows (the generative model used as a classifier); `seed` overrides
    FTKIT_SEED (a sweep over seeds).
    """
    profile = get_profile()
    seed_everything(seed)
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
    rate = learning_rate or built.learning_rate
    config = TrainConfig(
        max_steps=steps,
        learning_rate=rate,
        per_device_train_batch_size=batch_size,
        output_dir=str(output_dir / method_name),
        report_to="none",  # one process per method: no TensorBoard writer to start and flush
        profile=profile.name,
        seed=seed,  # None: FTKIT_SEED
    )
    result = train(model, tokenizer, train_set, config=config)
    losses = [loss for _, loss in result.train_losses]
    # The Trainer's sampler is seeded, so a fresh dataloader replays the training batches in the same order.
    batches = list(islice(result.trainer.get_train_dataloader(), steps))
    padded = [batch["input_ids"].shape[1] for batch in batches]
    heldout = answer_row_losses(model, tokenizer, test_rows[:eval_rows])
    urgency = predicted_urgency(model, tokenizer, test_rows[:urgency_rows]) if urgency_rows else []

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
        learning_rate=rate,
        first_train_loss=losses[0],
        final_train_loss=result.final_train_loss,
        heldout_loss=sum(heldout) / len(heldout),
        heldout_row_losses=heldout,
        trained_rows=trained_row_indices(batches, train_set),
        urgency_predictions=urgency,
        saved_mib=saved,
        device=profile.device,
    )


def run_in_subprocesses(jobs: list[dict]) -> list[dict]:
    """Run each job ({"method", "output", and run_method's options}) in its own forked child; return their reports.

    One `python -m curriculum.cost_run --jobs FILE` process imports once and forks a child per job, in order.
    """
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump([{**job, "output": str(job["output"])} for job in jobs], handle)
    try:
        completed = subprocess.run([sys.executable, "-m", "curriculum.cost_run", "--jobs", handle.name],
                                   capture_output=True, text=True)
    finally:
        Path(handle.name).unlink()
    if completed.returncode != 0:
        raise RuntimeError(f"cost runs failed (exit {completed.returncode}):\n{completed.stderr[-3000:]}")
    return [json.loads(Path(job["output"]).read_text()) for job in jobs]


def run_in_subprocess(method: str, output: Path, **options) -> dict:
    """One method in a fresh process; its JSON report."""
    return run_in_subprocesses([{"method": method, "output": output, **options}])[0]


def run_job(job: dict) -> None:
    """Run one job and write its JSON report where it says."""
    options = {key: value for key, value in job.items() if key not in ("method", "output")}
    output = Path(job["output"])
    report = run_method(job["method"], output_dir=output.parent, **options)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(asdict(report), indent=2))


def run_jobs_forked(jobs: list[dict]) -> None:
    """Each job in a child forked from this process (imports done, no model loaded, no tensor computed yet)."""
    for job in jobs:
        pid = os.fork()
        if pid == 0:  # the child: run, then leave without running the parent's exit handlers
            code = 0
            try:
                run_job(job)
            except BaseException:  # report any failure through the exit status, with its traceback on stderr
                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{job['method']} run failed (exit {os.waitstatus_to_exitcode(status)})")


def main(argv: list[str] | None = None) -> None:
    """Command line: one method, its budget, where to write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=Path, help="a JSON list of runs (method, output, options), each in a forked child")
    parser.add_argument("--method", choices=METHODS)
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--eval-rows", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=None, help="default: the method's (ftkit.methods)")
    parser.add_argument("--urgency-rows", type=int, default=0, help="held-out rows to read the urgency choice on")
    parser.add_argument("--seed", type=int, default=None, help="default: FTKIT_SEED")
    parser.add_argument("--model-id", default=None, help="hub id or local folder; default: the profile's model")
    parser.add_argument("--save", action="store_true", help="save the adapter or checkpoint and report its size")
    parser.add_argument("--output", type=Path, help="where to write the JSON report")
    args = parser.parse_args(argv)
    if args.jobs:
        run_jobs_forked(json.loads(args.jobs.read_text()))
        return
    if not (args.method and args.output):
        parser.error("--method and --output are required without --jobs")
    run_job({"method": args.method, "output": args.output, "steps": args.steps, "batch_size": args.batch_size,
             "eval_rows": args.eval_rows, "model_id": args.model_id, "save": args.save,
             "learning_rate": args.learning_rate, "urgency_rows": args.urgency_rows, "seed": args.seed})


if __name__ == "__main__":
    main()
