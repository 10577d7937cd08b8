"""Storage: the database connection, the tables, migrations and prebuilt SQL.

Owns how SQLite and PostgreSQL are reached and what the schema is.
May import: errors, settings (nothing else of the engine).
"""
