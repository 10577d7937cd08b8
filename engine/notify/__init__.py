"""Notifications: the outbox, its templates, recipients and delivery (e-mail, in-app, digests).

May import: people, audit, timing, storage, errors, settings.
"""
