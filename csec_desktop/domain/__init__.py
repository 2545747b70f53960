"""pydantic models for what the app records. No I/O here."""
