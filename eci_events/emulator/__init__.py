"""A loopback ECI endpoint (stdlib only): the real SDK talks to it in tests and --demo.

Nothing in the SDK client imports it; the CLI starts it for ``--demo``.
"""

from eci_events.emulator.demo import demo_emulator, demo_groups
from eci_events.emulator.server import Emulator, Fault, Group, event

__all__ = ["Emulator", "Fault", "Group", "demo_emulator", "demo_groups", "event"]
