"""The scheduler process: one elected leader fires due jobs through the facade.

May import: everything below it (the facade and all engine packages).
"""
