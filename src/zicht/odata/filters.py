"""A small OData v3 `$filter` evaluator for the expressions cbsodata users write.

Supported: `eq ne gt ge lt le` between a column and a literal (string or number), `and`, `or`, `not`,
parentheses, and the functions `substringof('x', Col)`, `startswith(Col, 'x')`, `endswith(Col, 'x')`
(optionally compared with `eq true`/`eq false`). Anything else raises `ODataQueryError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

Row = dict
Predicate = Callable[[Row], bool]

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>-?\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<punct>[(),]))"
)
_COMPARE = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a is not None and a > b,
    "ge": lambda a, b: a is not None and a >= b,
    "lt": lambda a, b: a is not None and a < b,
    "le": lambda a, b: a is not None and a <= b,
}
_FUNCTIONS = {
    "substringof": lambda needle, haystack: haystack is not None and needle in haystack,
    "startswith": lambda haystack, prefix: haystack is not None and haystack.startswith(prefix),
    "endswith": lambda haystack, suffix: haystack is not None and haystack.endswith(suffix),
}


class ODataQueryError(ValueError):
    """A query option the server does not understand; answered with HTTP 400."""


def _tokenize(text: str) -> list[tuple[str, object]]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ODataQueryError(f"cannot parse $filter near {text[position : position + 20]!r}")
        position = match.end()
        kind = match.lastgroup
        raw = match.group(kind)
        if kind == "string":
            tokens.append(("literal", raw[1:-1].replace("''", "'")))
        elif kind == "number":
            tokens.append(("literal", float(raw) if "." in raw else int(raw)))
        elif kind == "name" and raw in ("true", "false"):
            tokens.append(("literal", raw == "true"))
        else:
            tokens.append((kind, raw))
    return tokens


class _Parser:
    def __init__(self, text: str, columns: Iterable[str]):
        self.tokens = _tokenize(text)
        self.position = 0
        self.columns = set(columns)

    def peek(self) -> tuple[str, object] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, kind: str | None = None, value: str | None = None) -> tuple[str, object]:
        token = self.peek()
        if token is None or (kind and token[0] != kind) or (value and token[1] != value):
            raise ODataQueryError(f"$filter: expected {value or kind}, found {token[1] if token else 'end'}")
        self.position += 1
        return token

    def parse(self) -> Predicate:
        predicate = self.or_expression()
        if self.peek() is not None:
            raise ODataQueryError(f"$filter: unexpected {self.peek()[1]!r}")
        return predicate

    def or_expression(self) -> Predicate:
        parts = [self.and_expression()]
        while self.peek() == ("name", "or"):
            self.take()
            parts.append(self.and_expression())
        return parts[0] if len(parts) == 1 else (lambda row: any(p(row) for p in parts))

    def and_expression(self) -> Predicate:
        parts = [self.unary()]
        while self.peek() == ("name", "and"):
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else (lambda row: all(p(row) for p in parts))

    def unary(self) -> Predicate:
        if self.peek() == ("name", "not"):
            self.take()
            inner = self.unary()
            return lambda row: not inner(row)
        if self.peek() == ("punct", "("):
            self.take()
            inner = self.or_expression()
            self.take("punct", ")")
            return inner
        return self.comparison()

    def operand(self) -> Callable[[Row], object]:
        kind, value = self.take()
        if kind == "literal":
            return lambda row: value
        if kind == "name" and value in _FUNCTIONS:
            return self.function_call(value)
        if kind == "name":
            if value not in self.columns:
                raise ODataQueryError(f"$filter: unknown property {value!r}")
            return lambda row: row.get(value)
        raise ODataQueryError(f"$filter: unexpected {value!r}")

    def function_call(self, name: str) -> Callable[[Row], object]:
        self.take("punct", "(")
        first = self.operand()
        self.take("punct", ",")
        second = self.operand()
        self.take("punct", ")")
        function = _FUNCTIONS[name]
        return lambda row: function(first(row), second(row))

    def comparison(self) -> Predicate:
        left = self.operand()
        token = self.peek()
        if token is not None and token[0] == "name" and token[1] in _COMPARE:
            self.take()
            compare = _COMPARE[token[1]]
            right = self.operand()
            return lambda row: bool(compare(left(row), right(row)))
        # A bare function call such as substringof('GM', WijkenEnBuurten) is itself a condition.
        return lambda row: bool(left(row))


def compile_filter(text: str, columns: Iterable[str]) -> Predicate:
    """Turn a `$filter` expression into a row predicate; unknown syntax or columns raise ODataQueryError."""
    if not text.strip():
        raise ODataQueryError("$filter is empty")
    try:
        return _Parser(text, columns).parse()
    except TypeError as error:
        raise ODataQueryError(f"$filter: incompatible operand types ({error})") from error
