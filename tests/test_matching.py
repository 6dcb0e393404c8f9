"""Message matching: the forms it accepts, and linear time on hostile messages (issue 8,
item 16: the old template regexes took 13.6 s on 3,000 spaces and minutes on 8,000)."""

from __future__ import annotations

import time

import pytest

from eci_events.annotate import Annotator
from eci_events.catalog import load_catalog
from eci_events.matching import normalise, strip_prefix

CATALOG = load_catalog()
ANNOTATOR = Annotator(CATALOG)
SIZE = 100_000  # characters in each hostile message
BUDGET = 0.25  # seconds per message; the regexes this replaced took minutes


def hostile(template: str) -> list[str]:
    """100 KB messages built to make a backtracking matcher explode on ``template``."""
    pieces = template.split("%s")
    head = pieces[0]
    fill = SIZE // max(1, len(pieces))
    return [
        " " * SIZE,
        "." * SIZE,
        ". " * (SIZE // 2),
        # every slot a run of spaces, then dots: the old (.*?)\s*[.\s]* worst case
        head + "".join(" " * fill + "." + p for p in pieces[1:]),
        head + "".join("." * fill + " " + p for p in pieces[1:]),
        # the literal pieces over and over, never closing with the last one
        (head + " ".join(pieces[1:-1] or pieces) + " ") * max(1, SIZE // (len(template) + 1)),
        # the right form, with a slot of 100 KB
        template.replace("%s", "x" * fill),
    ]


CASES = [
    (entry.reason, variant.template)
    for entry in CATALOG
    for variant in entry.variants
    if variant.template is not None
]


@pytest.mark.parametrize(("reason", "template"), CASES, ids=[f"{r}:{t[:30]}" for r, t in CASES])
def test_every_variant_matches_hostile_messages_in_linear_time(reason: str, template: str) -> None:
    slowest = 0.0
    for message in hostile(template):
        started = time.perf_counter()
        ANNOTATOR.match(reason, message)
        slowest = max(slowest, time.perf_counter() - started)
    assert slowest < BUDGET, f"{reason}: {slowest:.2f}s on a {SIZE:,}-character message"


def test_a_slot_may_hold_a_huge_value_and_still_match() -> None:
    detail = "ecs.c6.xlarge in " + ", ".join(f"cn-hangzhou-{n}" for n in range(SIZE // 16))
    message = "[eci.containergroup]The stock of the specified zones will be used up. " + detail
    found = ANNOTATOR.match("StockExhaust", message)
    assert found.variant is not None
    assert found.params == {"detail": detail}


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("[eci.containergroup]  The  stock\tis  low. ", "The stock is low"),
        ("[eci.imagecache]x.", "x"),
        ("[ECI.x]kept", "[ECI.x]kept"),  # the prefix is lower-case eci only
        ("...", ""),
    ],
)
def test_normalise(message: str, expected: str) -> None:
    assert normalise(message) == expected


def test_strip_prefix_leaves_other_brackets() -> None:
    assert strip_prefix("[warning] disk") == "[warning] disk"
