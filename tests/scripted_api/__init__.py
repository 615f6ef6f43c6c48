"""A scripted Anthropic Messages API server for tests that drive the real ``anthropic`` SDK over HTTP.

See ``server.py`` for the details; everything a test needs is re-exported here (the names in
``server.__all__``).
"""

from .server import *  # noqa: F403 - the re-export is the point of this module
from .server import __all__  # noqa: F401
