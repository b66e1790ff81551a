"""``disputeflow serve`` with a fault injected into its sweep, for the several-servers test.

Run as ``python gated_serve.py <disputeflow arguments>``. With ``DF_GATE_DIR`` set,
the sweep claims ``DF_GATE_BATCH`` clocks a batch; the first batch commits, the
second, once claimed (its transaction open, its clocks locked), writes
``DF_GATE_DIR/held`` and waits (at most five minutes) for a kill. The process is
then reliably mid-sweep, without any timing.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def _gate(folder: Path, size: int) -> None:
    from disputeflow.cases import sweep_store
    from disputeflow.workflow import sweep

    sweep.run.__defaults__ = (size, None)  # (batch, stop): small batches, so the sweep takes several
    claim = sweep_store.claim
    calls = [0]

    def gated_claim(*args, **kwargs):
        rows = claim(*args, **kwargs)
        calls[0] += 1
        if calls[0] == 2 and rows:
            (folder / "held").write_text(str(len(rows)))
            for _ in range(3000):  # bounded: five minutes
                time.sleep(0.1)
        return rows

    sweep_store.claim = gated_claim


if __name__ == "__main__":
    if os.environ.get("DF_GATE_DIR"):
        _gate(Path(os.environ["DF_GATE_DIR"]), int(os.environ.get("DF_GATE_BATCH", "10")))
    from disputeflow.cli.commands import main

    sys.exit(main(sys.argv[1:]))
