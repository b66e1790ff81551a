"""Start-up: ``disputeflow --help`` must answer fast (the CLI imports its command groups lazily).

Measured as wall time of the installed console script, against a bare
``python -c pass`` in the same run (the interpreter's own start), interleaved.

Run: .venv/bin/python bench/bench_startup.py [--quick]
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import interleave, median, row  # noqa: E402

LIMIT_S = 0.3


def _timed(cmd: list[str]):
    def go() -> float:
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - t

    return go


def run(quick: bool = False, pg: str | None = None) -> dict:
    script = Path(sys.executable).parent / "disputeflow"
    cli = [str(script), "--help"] if script.exists() else [sys.executable, "-m", "disputeflow.cli", "--help"]
    f = interleave({"python": _timed([sys.executable, "-c", "pass"]), "help": _timed(cli)}, 5 if quick else 15)
    s = median(f["help"])
    return {"title": "Start-up", "rows": [
        row("start-up: python -c pass (the interpreter alone)", round(median(f["python"]), 3), "s"),
        row("start-up: disputeflow --help", round(s, 3), "s",
            ratio=median(h / p for h, p in zip(f["help"], f["python"])), baseline="bare interpreter",
            target=f"< {LIMIT_S} s", ok=s < LIMIT_S),
    ]}


if __name__ == "__main__":
    from bench.run import main

    main(["--only", "startup", *sys.argv[1:]])
