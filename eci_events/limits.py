"""Limits: what the ECI API allows, and what our readers accept before refusing input.

Every number that several modules need is written here once.
"""

from __future__ import annotations

# DescribeContainerGroupEvents (API page: api-eci-2018-08-08-describecontainergroupevents).
IDS_PER_CALL = 20  # ContainerGroupIds holds at most 20 ids
EVENTS_PER_GROUP = 50  # the latest 50 events of each instance are returned
GROUPS_PER_PAGE = 200  # Limit's default: instances per page

# What one answer of the API may hold before we call it broken: 200 groups of 50 events of
# a few KiB each stay far below this; a bigger body is refused before it is parsed.
RESPONSE_BYTES = 64 << 20
# Pages one query may take: enough for 200 groups a page over 100,000 groups. A service
# that hands out a new NextToken forever is cut off here.
PAGES_PER_QUERY = 500

# Input to triage: one JSON or YAML document, or one NDJSON line.
DOCUMENT_BYTES = 256 << 20
# YAML aliases may point at the same node again and again; a document that asks us to walk
# more than this many nodes a second time is refused (a 36 KB file can expand to millions).
YAML_ALIAS_VISITS = 10_000
