"""Audio mastering by intent: preset model, graph compiler, loudness measure/apply/verify."""
