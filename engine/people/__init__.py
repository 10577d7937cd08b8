"""People: actors, users and their role grants.

May import: audit, timing, storage, errors, settings.
"""
