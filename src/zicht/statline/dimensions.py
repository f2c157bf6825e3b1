"""From the category titles a StatLine download holds back to the dimension keys the API route loads.

A download heads its region column `Wijken en buurten` and fills it with titles (`Amsterdam`,
`Kop Zeedijk`), which repeat across gemeenten and even within one. A title maps to a key through the
table's own dimension (Key/Title, as the OData API serves it):

- by the region code topic when the download has it (`Regioaanduiding/Codering (code)`): every code
  is a key, so nothing is left to guess;
- else by title, when exactly one category of the dimension has that title;
- else not at all: the rows are named and the file is refused.

A period title may carry a mark (`2023*`, `2023**`): the mark is taken off before the title is looked
up, and kept as the row's period status.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zicht.statline.format import category_key, split_period_mark

MAX_LISTED = 20  # rows named in one error; the count is always complete


@dataclass(frozen=True)
class Lookup:
    """Per file row (in order): the key found, or None with the reason in `unknown`/`ambiguous`."""

    keys: list[str | None]
    unknown: list[int] = field(default_factory=list)  # indexes of rows whose title/code is not there
    ambiguous: dict[int, list[str]] = field(default_factory=dict)  # index -> the keys the title fits


class DimensionIndex:
    """One dimension's categories (the OData dimension set: Key, Title), searchable by title and code."""

    def __init__(self, key: str, rows: list[dict], *, is_period: bool = False):
        self.key = key
        self.is_period = is_period
        self.titles: dict[str, str] = {}  # key -> title
        self._by_title: dict[str, list[str]] = {}
        self._by_code: dict[str, str] = {}
        for row in rows:
            category = str(row["Key"])
            title = str(row.get("Title") or category)
            self.titles[category] = title
            self._by_title.setdefault(self._title_key(title), []).append(category)
            self._by_code[category.strip()] = category

    def _title_key(self, title: str) -> str:
        # A period title is indexed without a mark, whether or not the dimension's Title carries one.
        return category_key(split_period_mark(title)[0] if self.is_period else title)

    def by_titles(self, titles: list[str]) -> Lookup:
        lookup = Lookup(keys=[])
        for index, title in enumerate(titles):
            found = self._by_title.get(self._title_key(title), [])
            if len(found) == 1:
                lookup.keys.append(found[0])
                continue
            lookup.keys.append(None)
            if found:
                lookup.ambiguous[index] = found
            else:
                lookup.unknown.append(index)
        return lookup

    def by_codes(self, codes: list[str]) -> Lookup:
        lookup = Lookup(keys=[])
        for index, code in enumerate(codes):
            found = self._by_code.get(code.strip())
            lookup.keys.append(found)
            if found is None:
                lookup.unknown.append(index)
        return lookup


def listed(items: list[str]) -> str:
    """The first MAX_LISTED items joined, with how many more there are."""
    shown = ", ".join(items[:MAX_LISTED])
    more = len(items) - MAX_LISTED
    return f"{shown} and {more} more" if more > 0 else shown
