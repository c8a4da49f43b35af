"""The library: ORM models, database access and migrations."""
