"""Time: the clock, working-day calendar, due-date rules, reminder policy, scheduled jobs.

Owns *when* things happen; the scheduling package does the firing.
May import: storage, errors, settings.
"""
