"""The PySide6 desktop shell. Everything about data goes through csec_desktop."""
