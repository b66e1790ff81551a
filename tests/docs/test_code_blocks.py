"""Every code block in README.md and docs/ runs as written.

* The ``python`` blocks of a page run in order as one script in a fresh interpreter, and its
  ``console``, ``bash``, ``sh`` and ``shell`` blocks in order as one bash script (``set -e``), so a
  block may use what an earlier one set up (a variable, an ``export``, a case it opened).
* They run in a temporary folder holding a copy of ``make run``'s demo database (built once with
  the installed console script: ``disputeflow init`` and ``disputeflow demo --day``), named by
  ``DISPUTEFLOW_DB``. A page whose first shell block runs ``disputeflow init`` starts from an
  empty database instead, as its reader would.
* Blocks marked ``{.python .runnable}`` / ``{.bash .runnable}`` are run by ``test_docs.py``.
* Illustrative blocks are exempt by their language: ``toml``, ``ini``, ``text``, ``json``, ``csv``.
  A block without a language fails: choose one.
* A runnable-language block is skipped only with a marker on the line above it, with a reason::

      <!-- example: skip: the server runs until stopped -->

  ``<!-- example: requires unit_of_work -->`` skips the block while ``Engine`` has no
  ``unit_of_work`` (the host-transaction API), and runs it once it has.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").rglob("*.md") if "hooks" not in p.parts)]
SHELL = {"console", "bash", "sh", "shell"}
RUN = SHELL | {"python"}
EXEMPT = {"toml", "ini", "text", "json", "csv"}
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)
MARKER = re.compile(r"<!--\s*example:\s*(.*?)\s*-->\s*$")


@dataclass
class Block:
    page: str
    line: int
    lang: str
    code: str
    marker: str | None
    runnable_elsewhere: bool


def blocks_of(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        info = m.group(1).strip()
        elsewhere = info.startswith("{") and ".runnable" in info
        lang = (info.strip("{}").split()[0].lstrip(".") if info else "")
        before = text[:m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = MARKER.search(before)
        out.append(Block(str(path.relative_to(ROOT)), text.count("\n", 0, m.start()) + 1, lang, m.group(2),
                         marker.group(1) if marker else None, elsewhere))
    return out


BLOCKS = {str(p.relative_to(ROOT)): blocks_of(p) for p in PAGES}


def skip_reason(block: Block) -> str | None:
    """Why this block does not run now (None: it runs)."""
    if block.marker is None:
        return None
    if block.marker == "requires unit_of_work":
        from disputeflow import Engine

        return None if hasattr(Engine, "unit_of_work") else "Engine.unit_of_work is not part of this build yet"
    if block.marker.startswith("skip:") and block.marker[5:].strip():
        return block.marker[5:].strip()
    raise AssertionError(f"{block.page}:{block.line}: unknown example marker {block.marker!r} "
                         "(use `skip: <reason>` or `requires unit_of_work`)")


def test_every_block_has_a_language_and_every_marker_a_reason():
    bad = []
    for blocks in BLOCKS.values():
        for b in blocks:
            if not b.lang:
                bad.append(f"{b.page}:{b.line}: no language (python, console … or text for an illustration)")
            elif b.lang not in RUN | EXEMPT:
                bad.append(f"{b.page}:{b.line}: language {b.lang!r} is neither run nor exempt")
            if b.marker is not None:
                try:
                    skip_reason(b)
                except AssertionError as exc:
                    bad.append(str(exc))
    assert bad == [], "\n".join(bad)


def test_the_readme_and_the_guides_have_blocks_that_run():
    running = [b for bs in BLOCKS.values() for b in bs if b.lang in RUN and not b.runnable_elsewhere
               and skip_reason(b) is None]
    assert sum(b.page == "README.md" for b in running) >= 4
    assert len(running) >= 20


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """``make run``'s database, built once with the installed console script."""
    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'disputeflow.db'}"
    for args in (["init"], ["demo", "--day"]):
        proc = subprocess.run([str(Path(sys.executable).parent / "disputeflow"), "--db", url, *args], cwd=folder,
                              capture_output=True, text=True, timeout=600, env=clean_env())
        assert proc.returncode == 0, proc.stderr[-3000:]
    return folder


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPUTEFLOW_DB", "DISPUTEFLOW_USER", "DISPUTEFLOW_NOW", "DISPUTEFLOW_CONFIG",
                        "DISPUTEFLOW_LANG", "PYTHONPATH")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def page_ids() -> list[str]:
    return [page for page, blocks in BLOCKS.items() if any(b.lang in RUN and not b.runnable_elsewhere for b in blocks)]


@pytest.mark.parametrize("page", page_ids())
def test_the_page_runs_as_written(page, demo_db, tmp_path):
    blocks = [b for b in BLOCKS[page] if b.lang in RUN and not b.runnable_elsewhere]
    runs = [b for b in blocks if skip_reason(b) is None]
    if not runs:
        pytest.skip("; ".join(f"line {b.line}: {skip_reason(b)}" for b in blocks))
    shell = [b for b in runs if b.lang in SHELL]
    fresh = bool(shell) and re.match(r"\s*disputeflow init\b", shell[0].code) is not None
    if not fresh:
        for f in demo_db.iterdir():
            if f.name.startswith("disputeflow.db"):
                shutil.copy(f, tmp_path / f.name)
    env = {**clean_env(), "DISPUTEFLOW_DB": f"sqlite:///{tmp_path / 'disputeflow.db'}"}
    if shell:
        script = "\n".join(f'echo "--- {page}:{b.line}" >&2\n{b.code}' for b in shell)
        proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, f"{page} (shell) failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    python = [b for b in runs if b.lang == "python"]
    if python:
        script = "\n".join(f"# --- {page}:{b.line}\n{b.code}" for b in python)
        proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=600)
        assert proc.returncode == 0, f"{page} (python) failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"


def test_markers_are_honoured():
    b = Block("x.md", 1, "python", "raise SystemExit(1)", "requires unit_of_work", False)
    from disputeflow import Engine

    assert (skip_reason(b) is None) == hasattr(Engine, "unit_of_work")
    assert skip_reason(Block("x.md", 1, "console", "", "skip: runs until stopped", False)) == "runs until stopped"
    with pytest.raises(AssertionError):
        skip_reason(Block("x.md", 1, "console", "", "skip:", False))
    (found,) = blocks_of_text("<!-- example: skip: why -->\n```console\ndisputeflow x\n```\n")
    assert (found.lang, found.marker, found.code) == ("console", "skip: why", "disputeflow x\n")


def blocks_of_text(text: str, tmp=Path("/tmp")) -> list[Block]:
    import tempfile

    with tempfile.TemporaryDirectory(dir=ROOT) as d:
        path = Path(d) / "probe.md"
        path.write_text(text, encoding="utf-8")
        return blocks_of(path)
