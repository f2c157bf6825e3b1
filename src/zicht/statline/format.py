"""What a StatLine download looks like: the facts the reader relies on (and the synthetic exporter imitates).

Taken from real downloads kept in public repositories and from CBS's legend of symbols; docs/statline.md
lists the sources and what they do not settle. In short:

- UTF-8 with a byte order mark, `;` between fields, CRLF or LF line ends;
- one header row: a dimension is headed by its title (`Wijken en buurten`, `Perioden`), a topic by its
  topic-group path, its title and its unit: `Bevolking/Leeftijdsgroepen/0 tot 15 jaar (aantal)`; a
  top-level topic by title and unit only; CBS's own spacing kept (`Buiten Europa  (aantal)`);
- dimension cells hold category titles (`Amsterdam`, `2023*`), never keys;
- "CSV met statistische symbolen" quotes every field and right-aligns numbers (`"  457400"`), with
  `.` for a figure that is unknown, unreliable or secret; the plain "CSV" leaves numbers unquoted and
  missing figures empty. A blank cell: the figure cannot occur;
- a period title may end in `*` (provisional) or `**` (revised provisional);
- the file is named after the table's title and the time of the download:
  `Kerncijfers_wijken_en_buurten_2024_11122025_141648.csv`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

DELIMITER = ";"
UNKNOWN = "."  # "het cijfer is onbekend, onvoldoende betrouwbaar of geheim"
BLANK = ""  # "een cijfer kan op logische gronden niet voorkomen"
SYMBOLS = (UNKNOWN, BLANK)
# A mark after a period title; the status names are those of the OData Perioden dimension's Status.
DEFINITIVE = "Definitief"
PERIOD_MARKS = (("**", "Nader voorlopig"), ("*", "Voorlopig"))  # longest mark first
# "CSV met statistische symbolen" pads numbers to this width (every real file seen); wider ones are not cut.
NUMBER_WIDTH = 8

# `85984NED_TypedDataSet_22072025_143012.csv` (as this project's older exports and the API's data set
# name them) or plain `85984NED.csv`.
ID_FILE_NAME = re.compile(r"(?P<table_id>\d{5}[A-Za-z]{3})(_[^/\\]*)?\.csv", re.IGNORECASE)
# What the StatLine website names a download: the title (non-alphanumerics as `_`), day and time.
TITLE_FILE_NAME = re.compile(r"(?P<stem>.+?)_(?P<date>\d{8})_(?P<time>\d{6})\.csv", re.IGNORECASE)
TITLE_STAMP_FORMAT = "%d%m%Y_%H%M%S"


def split_period_mark(title: str) -> tuple[str, str]:
    """`2023*` -> (`2023`, `Voorlopig`); `2023**` -> (`2023`, `Nader voorlopig`); `2023` -> definitive."""
    text = title.strip()
    for mark, status in PERIOD_MARKS:
        if text.endswith(mark):
            return text[: -len(mark)].rstrip(), status
    return text, DEFINITIVE


def period_mark(status: str | None) -> str:
    """The mark StatLine writes after a period title of this Status (none for a definitive period)."""
    return next((mark for mark, name in PERIOD_MARKS if name == status), "")


def heading_key(text: str) -> str:
    """How header titles are compared: spacing runs as one space, case ignored (CBS writes units as
    `(aantal)` in one table and `(Aantal)` in another; titles keep CBS's double spaces)."""
    return " ".join(text.split()).casefold()


def category_key(text: str) -> str:
    """How category titles are compared: surrounding and repeated spaces ignored, case kept."""
    return " ".join(text.split())


def title_file_stem(title: str) -> str:
    """A table title as the file name carries it: every character that is not a letter or digit
    becomes `_` (`Verdachten; delictgroep, leeftijd` -> `Verdachten__delictgroep__leeftijd`).
    Accented letters lose their accent (an assumption: no real file name with one was seen)."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^0-9A-Za-z]", "_", plain.strip())


def download_file_name(title: str, moment: datetime) -> str:
    """`Kerncijfers_wijken_en_buurten_2021_03122026_120000.csv` for a table title and a moment."""
    return f"{title_file_stem(title)}_{moment.strftime(TITLE_STAMP_FORMAT)}.csv"
