"""Assessment: legacy / unpatched flags, pure functions over a host's
evidence and the shipped reference data, with ``today`` as a parameter."""

from collector.assess.model import Flag
from collector.assess.rules import assess

__all__ = ["Flag", "assess"]
