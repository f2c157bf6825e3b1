"""Fixed administrative facts: the 12 provinces, the 10 RIEC regions and how population is spread."""

from __future__ import annotations

from dataclasses import dataclass

PROVINCES: dict[str, str] = {
    "PV20": "Groningen",
    "PV21": "Fryslân",
    "PV22": "Drenthe",
    "PV23": "Overijssel",
    "PV24": "Flevoland",
    "PV25": "Gelderland",
    "PV26": "Utrecht",
    "PV27": "Noord-Holland",
    "PV28": "Zuid-Holland",
    "PV29": "Zeeland",
    "PV30": "Noord-Brabant",
    "PV31": "Limburg",
}

# RIEC regions follow the 10 regional police units; the codes are those of the police units.
RIEC_REGIONS: dict[str, str] = {
    "RE01": "Noord-Nederland",
    "RE02": "Oost-Nederland",
    "RE03": "Midden-Nederland",
    "RE04": "Noord-Holland",
    "RE05": "Amsterdam-Amstelland",
    "RE06": "Den Haag",
    "RE07": "Rotterdam",
    "RE08": "Zeeland-West-Brabant",
    "RE09": "Oost-Brabant",
    "RE10": "Limburg",
}


@dataclass(frozen=True)
class District:
    """The part of a province that lies in one RIEC region; every gemeente lies in exactly one."""

    province_code: str
    riec_code: str
    population_share: float
    has_big_city: bool = False


# Shares approximate the real distribution of inhabitants; the big cities sit where the real ones are.
DISTRICTS: tuple[District, ...] = (
    District("PV20", "RE01", 0.034),
    District("PV21", "RE01", 0.037),
    District("PV22", "RE01", 0.028),
    District("PV23", "RE02", 0.066),
    District("PV25", "RE02", 0.120),
    District("PV24", "RE03", 0.025),
    District("PV26", "RE03", 0.078, has_big_city=True),
    District("PV27", "RE03", 0.015),
    District("PV27", "RE04", 0.075),
    District("PV27", "RE05", 0.075, has_big_city=True),
    District("PV28", "RE06", 0.120, has_big_city=True),
    District("PV28", "RE07", 0.095, has_big_city=True),
    District("PV29", "RE08", 0.022),
    District("PV30", "RE08", 0.065),
    District("PV30", "RE09", 0.082),
    District("PV31", "RE10", 0.063),
)
