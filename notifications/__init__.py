"""Notifications: who hears about what, rendered how, delivered through which channel.

Outbox rows are written by the engine in the same transaction as the change
that causes them; this package reads them after commit: :mod:`.dispatcher`
fans each row out to people (:mod:`.recipients`) and channels
(:mod:`.channels`, plug-ins by entry point), renders the message
(:mod:`.context`, :mod:`.render`, templates under ``templates/notifications``)
with personal data masked (:mod:`.privacy`), and delivers each exactly once
with retries. :mod:`.inbox` reads the in-app inbox; :mod:`.settings` is the
``[notifications]`` configuration. This package holds the rules; the records
it reads and writes (deliveries, the inbox, people's contact facts, what a
message about a case says) are asked of :mod:`disputeflow.cases` through
typed modules, and it holds no SQL. It never imports :mod:`workflow`.
"""
