"""pydantic's plugin loader is not imported where plugins are switched off (csec_desktop/no_plugins.py),
and is where a person names plugins to keep; validation works either way."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CODE = """
import sys
import csec_desktop
from pydantic import BaseModel, ValidationError
class Probe(BaseModel):
    n: int
assert Probe.model_validate_json('{"n": 3}').n == 3
try:
    Probe.model_validate_json('{"n": "three"}')
except ValidationError:
    pass
else:
    raise SystemExit("a bad value was accepted")
loader = sys.modules["pydantic.plugin._loader"]
print(loader.__name__, "importlib.metadata" in sys.modules)
"""


def _run(switch: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if switch is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = switch
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, env=env, check=True)
    return out.stdout.strip()


@pytest.mark.parametrize("switch", [None, "__all__", "true"])
def test_with_every_plugin_off_the_loader_and_importlib_metadata_stay_unloaded(switch: str | None) -> None:
    assert _run(switch) == "csec_desktop.no_plugins False"


def test_a_person_who_names_plugins_to_keep_gets_pydantic_s_own_loader() -> None:
    assert _run("some_plugin") == "pydantic.plugin._loader True"
