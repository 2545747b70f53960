"""The app's own YAML documents (the forms, the law's tables), read safely and quickly.

libyaml's safe loader where PyYAML was built with it (its wheels are): the same documents, about
ten times faster than the pure-Python one (the violent-felony table: 2 ms against 21, read by
Today's first chunk). PyYAML itself is imported at the first read: it is 16 ms of imports that a
start which reads no YAML document does not need. Whichever thread reads first imports it (the
vault thread, in Today's first chunk): PyYAML imports nothing of the app's, so two threads
importing cannot wait on each other through it.
"""

from __future__ import annotations

from typing import Any


def safe_load(text: str) -> Any:
    """The document's data; yaml.YAMLError (and what YAML's own types refuse) as PyYAML raises them."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (a safe loader)
