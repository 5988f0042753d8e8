"""Australian suburbs and cities that people put after a business name ("Just Cuts Carindale").

Design: core is pure and cannot read the bundled places directory, so the suburb list lives here
as data: the capitals and big regional cities, CBD names, and suburbs with large shopping centres
where people name a branch, including every area and alias of the bundled directory (a unit test
reads adapters/places/data/directory.json and keeps the two in step). Personal first names that
are also suburbs (Marion, Miranda, Preston, Elizabeth) and everyday words (Civic, Mascot,
Broadway) are left out, so "Active Physio Miranda" is not cut.
The list only decides where a business name ends and an area begins; an area not listed is still
read after "at", "in" or "near" ("Sushi Train at Chermside"), and a place search takes any text.
"""

from __future__ import annotations

import re

from proxycall.core.parsers._lex import fold

AREAS = (
    # capitals, big cities and their centres
    "Sydney", "Sydney CBD", "Sydney City", "Melbourne", "Melbourne CBD", "Melbourne City",
    "Brisbane", "Brisbane City", "Brisbane CBD", "Brisbane City Centre", "Perth", "Perth CBD",
    "Adelaide", "Adelaide CBD", "Hobart", "Darwin", "Canberra", "Gold Coast", "Sunshine Coast",
    "Newcastle", "Wollongong", "Geelong", "Townsville", "Cairns", "Toowoomba", "Ballarat",
    "Bendigo", "Launceston", "Mackay", "Rockhampton", "Bundaberg", "Ipswich", "Logan",
    "Central Coast", "Gosford", "Albury", "Wagga Wagga", "Coffs Harbour", "Port Macquarie",
    # Brisbane and south-east Queensland
    "Chermside", "Carindale", "Capalaba", "Indooroopilly", "Fortitude Valley", "The Valley",
    "Toowong", "Paddington", "West End", "New Farm", "Newstead", "South Brisbane", "Kangaroo Point",
    "Woolloongabba", "Mount Gravatt", "Upper Mount Gravatt", "Garden City", "Sunnybank",
    "Sunnybank Hills", "Browns Plains", "Springfield", "North Lakes", "Strathpine", "Morayfield",
    "Redcliffe", "Aspley", "Nundah", "Toombul", "Kedron", "Everton Park", "Ashgrove", "Kenmore",
    "Wynnum", "Manly West", "Victoria Point", "Cleveland", "Loganholme", "Beenleigh",
    "Surfers Paradise", "Southport", "Robina", "Broadbeach", "Burleigh Heads", "Coolangatta",
    "Helensvale", "Coomera", "Maroochydore", "Noosa", "Caloundra", "Mooloolaba",
    # Sydney
    "Bondi", "Bondi Junction", "Chatswood", "Parramatta", "Manly", "Surry Hills", "Newtown",
    "Marrickville", "Randwick", "Hurstville", "Rhodes", "Strathfield", "Burwood", "Epping",
    "Ryde", "Top Ryde", "Eastgardens", "North Sydney", "Crows Nest", "Brookvale", "Dee Why",
    "Castle Hill", "Rouse Hill", "Blacktown", "Penrith", "Liverpool", "Campbelltown",
    "Bankstown", "Hornsby", "Macquarie Park", "Wetherill Park", "Cronulla", "Sutherland", "Erina",
    "Pyrmont", "Darling Harbour",
    # Melbourne
    "Chadstone", "Box Hill", "Richmond", "Doncaster", "Ringwood", "Camberwell", "Hawthorn",
    "Fitzroy", "Collingwood", "Carlton", "Brunswick", "Coburg", "Northcote", "Footscray",
    "Essendon", "Highpoint", "Maribyrnong", "St Kilda", "South Yarra", "Prahran", "Southbank",
    "Docklands", "Glen Waverley", "Dandenong", "Frankston", "Cheltenham", "Southland", "Werribee",
    "Point Cook", "Fountain Gate", "Narre Warren", "Craigieburn", "Epping North", "Eastland",
    "Malvern", "Caulfield", "Elsternwick", "Moorabbin", "Mentone", "Sunshine West",
    # Perth, Adelaide, Canberra, Hobart, Darwin
    "Joondalup", "Fremantle", "Morley", "Cannington", "Subiaco", "Midland", "Rockingham",
    "Mandurah", "Karrinyup", "Booragoon", "Scarborough", "Glenelg", "Norwood", "Tea Tree Gully",
    "Modbury", "Noarlunga", "Belconnen", "Woden", "Tuggeranong", "Gungahlin", "Glenorchy",
    "Sandy Bay", "Casuarina", "Palmerston",
)
_BY_FOLD = {fold(area): area for area in AREAS}
_LONGEST = max(len(area.split()) for area in AREAS)


def known_area(text: str) -> str | None:
    """The listed spelling of a suburb or city typed any way ("chermside" → "Chermside")."""
    return _BY_FOLD.get(re.sub(r"\s+", " ", fold(text).strip(" .,!?")))


def trailing_area(name: str) -> tuple[str, str] | None:
    """A business name ending in a known area, split in two.

    A business name ending in a known area, split ("Just Cuts Carindale" → ("Just Cuts",
    "Carindale")), or None. The business part must keep at least one word.
    """
    words = name.split()
    for size in range(min(_LONGEST, len(words) - 1), 0, -1):
        area = known_area(" ".join(words[-size:]))
        if area is not None:
            business = " ".join(words[:-size]).rstrip(" ,-")
            business = re.sub(r"\s+(?:in|at|near|around)$", "", business, flags=re.IGNORECASE)
            if business:
                return business, area
    return None


_AREA_RE = re.compile(
    r"(?<![\w'])(?:" + "|".join(re.escape(fold(a)).replace(r"\ ", r"\s+")
                              for a in sorted(AREAS, key=len, reverse=True)) + r")(?![\w'])"
)


def scan_areas(low: str) -> list[tuple[str, int, int]]:
    """Every listed suburb or city in folded text, as (listed spelling, start, end)."""
    out = []
    for match in _AREA_RE.finditer(low):
        area = known_area(match.group(0))
        if area is not None:
            out.append((area, match.start(), match.end()))
    return out
