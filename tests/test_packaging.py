"""The library/lesson split: ftkit never imports the lessons package, and a non-editable install works on its own."""

from __future__ import annotations

import ast
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module a Python file imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "ftkit").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_ftkit_never_imports_the_lessons_package(path):
    assert "curriculum" not in imported_modules(path)


def test_import_ftkit_does_no_work():
    code = "import sys, ftkit; print(sorted(name for name in ('torch', 'transformers', 'curriculum') if name in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT / "tests")
    assert result.stdout.strip() == "[]"


WHEEL_CHECK = """
import pathlib, sys, importlib.util
import ftkit
assert "site-packages" in ftkit.__file__, ftkit.__file__
assert importlib.util.find_spec("curriculum") is None, "the wheel must not ship the lessons package"
missing = [name for name in ftkit.__all__ if getattr(ftkit, name, None) is None]
assert not missing, missing
import torch
from transformers import LlamaConfig, LlamaForCausalLM
from ftkit.models import load_tokenizer
tokenizer = load_tokenizer()
torch.manual_seed(0)
config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                     num_attention_heads=4, num_key_value_heads=2, pad_token_id=tokenizer.pad_token_id)
model = LlamaForCausalLM(config)
scores = ftkit.answer_logprobs(model, tokenizer, [[{"role": "user", "content": "Hi"}]], ["Hello there."])
assert scores[0].tokens > 0 and scores[0].logprob < 0, scores
print("ok", len(ftkit.__all__))
"""


@pytest.mark.slow
def test_non_editable_install_outside_the_repository_works(tmp_path):
    # A fresh venv; its dependencies come from this environment's site-packages through a path line (a plain path
    # line does not run that folder's .pth files, so neither the editable ftkit nor the lessons path leaks in).
    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(environment)  # this environment's pip installs into it
    python = environment / "bin" / "python"
    target = subprocess.run([str(python), "-c", "import site; print(site.getsitepackages()[0])"], capture_output=True, text=True, check=True)
    Path(target.stdout.strip(), "deps.pth").write_text(site.getsitepackages()[0] + "\n")
    source = tmp_path / "source"  # a copy, so the build writes nothing into the repository
    shutil.copytree(ROOT / "ftkit", source / "ftkit", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", "--no-build-isolation", str(source)],
        check=True, capture_output=True, cwd=tmp_path,
    )
    result = subprocess.run([str(python), "-c", WHEEL_CHECK], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("ok")
    command = subprocess.run([str(environment / "bin" / "ftkit"), "audit", "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert command.returncode == 0 and "ftkit audit train.jsonl" in command.stdout
