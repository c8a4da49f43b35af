"""Alembic environment: batch mode on SQLite, our metadata as the target."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import DateTime, create_engine
from sqlalchemy.types import TypeDecorator

from mediadesk.jobs.schema import metadata

config = context.config


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Render our column types as their plain SQL types.

    A migration must keep working after the Python code it was written against has
    changed, so it never imports MediaDesk's own types.
    """
    if type_ == "type" and isinstance(obj, TypeDecorator):
        impl = obj.impl_instance
        if isinstance(impl, DateTime):
            return f"sa.DateTime(timezone={impl.timezone})"
        return f"sa.{impl!r}"
    return False


def _configure(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch recreates tables.
        compare_type=True,
        render_item=_render_item,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
