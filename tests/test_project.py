"""Project-wide invariants: environment.yml matches pyproject, every notebook has its Colab header and checks."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from curriculum.colab import colab_badge, install_cell_source

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def pins(requirements: list[str]) -> dict[str, str]:
    """name -> version specifier, names normalised."""
    result = {}
    for requirement in requirements:
        match = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", requirement.strip())
        if match and not requirement.startswith("-"):
            result[match.group(1).lower().replace("_", "-")] = match.group(2).replace(" ", "")
    return result


def test_environment_yml_pins_what_pyproject_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = pins(project["dependencies"] + sum(project["optional-dependencies"].values(), []))
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    listed = pins(pip_section)
    assert listed.pop("torch") == "==2.13.0"  # conda users get the pinned CPU build, as the Makefile installs
    wanted.pop("torch")
    assert listed == wanted


def test_hf_stack_is_pinned_exactly():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = pins(project["dependencies"])
    for name in ("transformers", "trl", "peft", "datasets", "accelerate", "bitsandbytes"):
        assert declared[name].startswith("=="), name


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_colab_badge_install_cell_and_checks(path):
    cells = json.loads(path.read_text())["cells"]
    first_markdown = next(cell for cell in cells if cell["cell_type"] == "markdown")
    assert colab_badge(path.name) in "".join(first_markdown["source"])
    code = [cell for cell in cells if cell["cell_type"] == "code"]
    assert "".join(code[0]["source"]) == install_cell_source()
    checks = [cell for cell in code if re.search(r"^\s*assert ", "".join(cell["source"]), re.M)]
    assert checks, "no check cell"
    assert all(cell.get("execution_count") for cell in code[1:]), "outputs of a full run are not committed"
    assert any("image/png" in out.get("data", {}) for cell in code for out in cell.get("outputs", [])), "no plot committed"
    assert not any(out.get("output_type") == "error" for cell in code for out in cell.get("outputs", []))
