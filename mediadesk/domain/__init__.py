"""Typed contracts shared by every layer (enums, probe results, measurements)."""
