"""Settings for mypy's Django plugin, which imports the settings to learn the models: the
project's own, with a throwaway secret key when none is set (production settings refuse to
load without one). Nothing runs with these settings."""

import os

os.environ.setdefault("SECRET_KEY", "type-checking-only")

from recovery_directory.settings import *  # noqa: E402, F403
