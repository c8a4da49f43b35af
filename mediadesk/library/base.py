"""Declarative base, naming convention and column types shared by all tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, TypeAdapter
from sqlalchemy import JSON, DateTime, Dialect, MetaData, String
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from mediadesk.base_types import new_id, utcnow

__all__ = ["ID", "Base", "PydanticJSON", "UTCDateTime", "new_id", "utcnow"]

# Constraint names must be deterministic or Alembic's batch mode on SQLite cannot
# find them again when it recreates a table.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


M = TypeVar("M")


class PydanticJSON(TypeDecorator[M], Generic[M]):
    """A JSON column that reads and writes a typed (pydantic-validated) value."""

    impl = JSON
    cache_ok = True

    def __init__(self, python_type: Any) -> None:
        super().__init__()
        self._value_type = python_type
        self._adapter: TypeAdapter[Any] = TypeAdapter(python_type)

    def process_bind_param(self, value: M | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, BaseModel):
            return value.model_dump(mode="json")
        return self._adapter.dump_python(value, mode="json")

    def process_result_value(self, value: Any, dialect: Dialect) -> M | None:
        if value is None:
            return None
        result: M = self._adapter.validate_python(value)
        return result

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        return self.impl_instance.coerce_compared_value(op, value)


ID = String(36)
