"""Runs moto_server with cfm's patches: ``python -m cfm_moto -H 127.0.0.1 -p PORT``."""

import sys

from . import apply

apply()

from moto.server import main  # noqa: E402  (imported after patching, on purpose)

main(sys.argv[1:])
