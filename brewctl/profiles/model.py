"""The normalised profile model now lives in the core: ``brewctl.core.profile`` (kept importable here)."""

from __future__ import annotations

from brewctl.core.profile import *  # noqa: F403
from brewctl.core.profile import __all__ as __all__
