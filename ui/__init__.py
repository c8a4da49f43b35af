"""The MediaDesk desktop app: a PySide6 shell over ``mediadesk`` (the core).

The core never imports this package. Views call the core's services and hear about
changes through :class:`ui.bridge.CoreBridge`; short background work goes through
:class:`ui.tasks.TaskRunner`; nothing here builds SQL, ffmpeg arguments or HTTP calls.
"""

# Imported before anything pulls in Qt, on purpose: PySide6 installs an import hook
# that reads and inspects the source of every module imported after it, which added
# about a third of a second to the desktop app's cold start for the core's modules.
import mediadesk.runtime  # noqa: F401
