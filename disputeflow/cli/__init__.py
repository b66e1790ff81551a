"""The ``disputeflow`` command line: a stable contract (see DESIGN.md).

Installed as the ``disputeflow`` console script; ``python -m disputeflow.cli`` runs the same.
:mod:`disputeflow.cli.commands` holds the top-level group and registers one module per command
group: units and users (``directory``), cases, deadlines (board, sweep, scheduler, calendar), the
outbox and workflow definitions; key persons, the inbox, reports, ledger import, audit and the web
server also have modules of their own, imported only when their command runs.
"""

from disputeflow.cli.commands import cli, main

__all__ = ["cli", "main"]
