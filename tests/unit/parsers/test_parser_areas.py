"""The core suburb list keeps step with the bundled places directory, and splits branch names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from proxycall.core.parsers.areas import known_area, trailing_area

DIRECTORY = (Path(__file__).parents[3] / "src" / "proxycall" / "adapters" / "places" / "data"
             / "directory.json")


def _directory_areas() -> list[str]:
    raw = json.loads(DIRECTORY.read_text(encoding="utf-8"))
    names = [area["name"] for area in raw["areas"]]
    names += [alias for area in raw["areas"] for alias in area.get("aliases", [])]
    names += [place["suburb"] for place in raw["places"]]
    return sorted(set(names))


@pytest.mark.parametrize("area", _directory_areas())
def test_every_directory_area_is_known_to_core(area: str) -> None:
    assert known_area(area.lower()) == area


@pytest.mark.parametrize(("name", "split"), [
    ("Bupa Dental Indooroopilly", ("Bupa Dental", "Indooroopilly")),
    ("Kmart box hill", ("Kmart", "Box Hill")),
    ("Guzman y Gomez in Fortitude Valley", ("Guzman y Gomez", "Fortitude Valley")),
])
def test_a_trailing_area_is_split_off(name: str, split: tuple[str, str]) -> None:
    assert trailing_area(name) == split


@pytest.mark.parametrize("name", ["Chermside", "Active Physio", "Hair by Miranda", "Brunswick"])
def test_no_split_without_both_a_business_and_a_known_area(name: str) -> None:
    assert trailing_area(name) is None
