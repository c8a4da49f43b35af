"""MediaDesk core: a Qt-free media library with durable ffmpeg jobs.

Importing this package (or any module in it) has no side effects: nothing reads
settings, opens databases or starts threads until :class:`mediadesk.runtime.Runtime`
is built and started.
"""

__version__ = "0.1.0"
