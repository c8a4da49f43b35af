"""What every preset model shares; the models themselves live beside the code they drive."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field


class PresetBase(BaseModel):
    """Fields every preset has. Subclasses add theirs and are listed in ``preset_kinds``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    version: int = Field(ge=1)
    title: str = ""  # what people call it ("Broadcast (EBU R128)"); the id when empty
    description: str = ""


class PresetSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    title: str  # the preset's own, else its id
    kind: str
    version: int
    description: str


P = TypeVar("P", bound=PresetBase)
