"""csec-hub: the county sync hub (FastAPI on uvicorn; PostgreSQL, or SQLite for one office)."""
