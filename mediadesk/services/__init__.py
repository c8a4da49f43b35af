"""Services: the only API the shells (CLI, server, GUI) call."""
