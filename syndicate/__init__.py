"""syndicate: validate, render and syndicate articles under their licence terms."""

__version__ = "0.1.0"
