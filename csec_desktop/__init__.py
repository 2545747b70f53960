"""CSEC caseworker desktop: the core (no Qt here, ever)."""

import os
import sys

APP_NAME = "CSEC Case Desktop"
APP_ID = "csec-desktop"
ORG_NAME = "California county CSEC programs"
__version__ = "0.1.0"

# The app uses no pydantic plugin. Looking for one (pydantic's documented switch turns it off)
# scans every installed package's entry points as the first model is built. A person who sets
# the variable keeps their value. Its loader is not even imported where the switch turns every
# plugin off: it imports importlib.metadata before reading the switch (csec_desktop/no_plugins.py).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from csec_desktop import no_plugins  # noqa: E402 (after the switch it reads)

if os.environ["PYDANTIC_DISABLE_PLUGINS"] in no_plugins.OFF:
    sys.modules.setdefault("pydantic.plugin._loader", no_plugins)
