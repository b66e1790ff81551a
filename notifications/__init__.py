"""Notifications: the transactional outbox and its dispatcher.

Outbox rows are written by the engine in the same transaction as the change
that causes them; this package reads them after commit. It never imports
:mod:`workflow`.
"""
