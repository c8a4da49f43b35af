"""The complete metadata: importing this registers every table of every layer.

Alembic and the schema test import this module so that no table can be forgotten.
"""

from __future__ import annotations

from mediadesk.jobs import models as job_models  # noqa: F401  (registers tables)
from mediadesk.jobs import outbox  # noqa: F401
from mediadesk.library import catalogue_models, folder_models, models  # noqa: F401
from mediadesk.library.base import Base

metadata = Base.metadata
