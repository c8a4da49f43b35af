"""HLS: preset models, the ladder plan, argv compilers, playlists and verification."""
