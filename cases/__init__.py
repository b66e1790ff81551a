"""Case records and their storage: tables, migrations, numbering, the command-path store.

This package never imports :mod:`workflow`; the engine drives it. Its parts:

- the schema: ``metadata`` and one ``*_tables`` module per part of the product,
  gathered in ``tables``; ``migrations/`` and ``schema`` (Alembic); ``types``;
- connections: ``db`` (engines and their settings);
- the command path: ``store`` (transactions), ``statements``, ``compiled``,
  ``tx``, ``bulk_rows``, ``sqlite_writer``, and ``records`` (typed rows);
- the audit log: ``chain``, ``audit``, ``audit_key``, ``audit_verify``;
- ``canonical``: the JSON text the hashes cover.

The tuned parts are explained once, under "Fast paths" in ``bench/README.md``.
"""
