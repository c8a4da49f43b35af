"""The MediaDesk desktop app: a PySide6 shell over ``mediadesk`` (the core).

The core never imports this package. Views call the core's services and hear about
changes through :class:`ui.bridge.CoreBridge`; short background work goes through
:class:`ui.tasks.TaskRunner`; nothing here builds SQL, ffmpeg arguments or HTTP calls.
"""
