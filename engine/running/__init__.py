"""Running cases: the write path, engine steps, scripts, service calls, reminders, read models.

Owns what happens to a case once it exists: start, complete, messages, signals, retries,
incidents, documents, and the rows that mirror a case's tasks.
May import: notify, people, audit, timing, storage, errors, settings.
"""
