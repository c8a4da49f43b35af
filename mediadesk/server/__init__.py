"""The built-in HTTP server: JSON API, streamed uploads, HLS delivery, web player.

Importing this package does nothing; :class:`mediadesk.server.host.ServerHost` builds
and runs the app for a :class:`mediadesk.runtime.Runtime`.
"""
