"""The media engine: ffmpeg/ffprobe, presets compiled to argv, outputs verified.

It knows media and nothing else: no database, no queue. It returns outputs plus the
exact argv, exit code and log paths of everything it ran.
"""
