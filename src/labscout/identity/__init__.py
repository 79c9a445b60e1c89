"""Identity: who is who among authors, and which organisation is which."""
