"""pydantic's plugin loader, as it answers when plugins are turned off: no plugin.

pydantic imports its loader the first time a model's validator is made, and the loader imports
importlib.metadata (and with it the email package) before it reads the switch that turns plugins
off: about 30 ms of each unlock, on the vault thread, for a search the app has turned off
(csec_desktop/__init__.py). Where the switch turns every plugin off, this module stands in for
the loader; where a person names plugins to keep, pydantic's own loader runs.
"""

from __future__ import annotations

from typing import Any

OFF = ("__all__", "1", "true")
"""The values of PYDANTIC_DISABLE_PLUGINS for which pydantic's loader returns no plugin."""


def get_plugins() -> tuple[Any, ...]:
    return ()
