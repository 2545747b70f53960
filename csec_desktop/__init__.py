"""CSEC caseworker desktop: the core (no Qt here, ever)."""

APP_NAME = "CSEC Case Desktop"
APP_ID = "csec-desktop"
ORG_NAME = "California county CSEC programs"
__version__ = "0.1.0"
