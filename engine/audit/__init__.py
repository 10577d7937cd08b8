"""The audit trail: append-only rows in a SHA-256 hash chain, and its verification.

May import: timing (the clock), storage, errors, settings.
"""
