"""eci-events: explain, list and triage Alibaba Cloud ECI events."""

__version__ = "0.1.0"
