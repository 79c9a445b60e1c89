"""Input adapters: each turns one source format into the same normalised paper records."""
