"""Durable jobs: records, transport, workers, recovery."""
