"""The workflow engine core: definitions, the compiled machine, decisions, guards, policy, calendar.

Embedding systems import the facade from :mod:`disputeflow` (``from disputeflow import Engine``);
the modules here are internal unless :data:`disputeflow.PUBLIC_MODULES` names them.
"""
