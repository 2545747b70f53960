"""CSEC caseworker desktop: the core (no Qt here, ever)."""

import os

APP_NAME = "CSEC Case Desktop"
APP_ID = "csec-desktop"
ORG_NAME = "California county CSEC programs"
__version__ = "0.1.0"

# The app uses no pydantic plugin. Looking for one (pydantic's documented switch turns it off)
# loads importlib.metadata and scans every installed package's entry points as the first model
# is built: about 30 ms of each start. A person who sets the variable keeps their value.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
