"""A loopback ECI endpoint (stdlib only): the real SDK talks to it in tests and --demo.

Nothing in the SDK client imports it; the CLI starts it for ``--demo``.
"""

from eci_events.emulator.demo import demo_emulator, demo_groups, load_demo
from eci_events.emulator.server import Emulator, Fault
from eci_events.emulator.world import (
    Container,
    Group,
    Region,
    State,
    VSwitch,
    World,
    container,
    event,
    state,
)

__all__ = [
    "Container",
    "Emulator",
    "Fault",
    "Group",
    "Region",
    "State",
    "VSwitch",
    "World",
    "container",
    "demo_emulator",
    "demo_groups",
    "event",
    "load_demo",
    "state",
]
