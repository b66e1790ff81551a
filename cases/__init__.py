"""Case records and their storage: tables, migrations, numbering, the command-path store.

This package never imports :mod:`workflow`; the engine drives it.
"""
