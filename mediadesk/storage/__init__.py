"""Where bytes live: a local directory or an S3-compatible store."""
