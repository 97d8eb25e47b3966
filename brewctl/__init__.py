"""brewctl: a fermentation controller for the Raspberry Pi."""

__version__ = "0.1.0"
__all__ = ["__version__"]
