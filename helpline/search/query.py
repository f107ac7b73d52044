"""The search query language: one parser for every backend and every kind of document.

Pure Python (no Django, no database): a query string becomes a small tree that
``helpline.search.compile`` turns into ORM filters (field terms) and a full-text query
(words and phrases). Any mistake raises ``Invalid(code="search.syntax", field="query")``
with a message a person can act on; nothing else escapes ``parse``.

Grammar (operators are upper-case; terms side by side are ANDed)::

    query   := [or] EOF
    or      := and ("OR" and)*                      ("||" means OR)
    and     := unary (["AND"] unary)*               ("&&" means AND)
    unary   := ("NOT" | "!" | "-") unary | primary
    primary := "(" or ")" | PHRASE | WORD | "*" | FIELD ":" value
    value   := unary, read with the field's type:
               WORD | PHRASE | "(" values with AND/OR/NOT ")"
               | ("[" | "{") bound "TO" bound ("]" | "}")   (dates and numbers; "*" = open)
               | (">" | ">=" | "<" | "<=") WORD             (dates and numbers)

Free words are searched in the full-text index; the last free word also matches as a
prefix (``prin`` finds "printer"), as does any word ending in ``*``. Field names are
case-insensitive and may have aliases (Zammad's ``state.name``).

Field types: ``text`` (words searched in one indexed column, e.g. ``title:printer``),
``keyword`` (equality, or a prefix with a trailing ``*``), ``number`` and ``date``
(equality, comparisons and ranges). Dates are ``YYYY-MM-DD`` (a whole day),
``YYYY-MM-DDTHH:MM[:SS][+HH:MM]`` (an instant), or ``now``, ``now-15m``, ``now-2h``,
``now-7d``, ``now-4w``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Literal

from helpline.lib.errors import Invalid

FieldType = Literal["text", "keyword", "number", "date"]

MAX_LENGTH = 1000
MAX_TERMS = 100
MAX_DEPTH = 16
MIN_PREFIX = 2  # a one-letter prefix would match most of the index
NUMBER_LIMIT = 2**31 - 1


# -- the tree -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Words searched in the full-text index (``column`` restricts them to one column)."""

    text: str
    phrase: bool = False
    prefix: bool = False
    column: str | None = None


@dataclass(frozen=True)
class Term:
    """``field = value`` on a keyword or number field (``prefix``: value is a prefix)."""

    field: str
    value: str | int
    prefix: bool = False


@dataclass(frozen=True)
class Relative:
    """An instant relative to now: ``now-2h`` is ``Relative(7200)``."""

    seconds: int


BoundValue = int | date | datetime | Relative


@dataclass(frozen=True)
class Bound:
    value: BoundValue
    inclusive: bool


@dataclass(frozen=True)
class Range:
    """``low <= field <= high`` on a number or date field (``None``: open end). A bare
    date ``2024-01-01`` is the range from that day to that same day, both included."""

    field: str
    low: Bound | None
    high: Bound | None


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class All:
    """Matches everything (an empty query, ``*``)."""


@dataclass(frozen=True)
class Nothing:
    """Matches nothing (e.g. ``title:"--"``, which holds no word)."""


Node = Text | Term | Range | And | Or | Not | All | Nothing
ALL = All()
NOTHING = Nothing()


def syntax_error(message: str) -> Invalid:
    return Invalid(message, code="search.syntax", field="query")


# -- tokens -------------------------------------------------------------------------------

_FIELD = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*):")
_RANGE = re.compile(r"\s*(\S+)\s+TO\s+(\S+)\s*")
_RELATIVE = re.compile(r"now(?:-([0-9]{1,7})([smhdw]))?")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_MAX_RELATIVE = 200 * 365 * 86400
_INTEGER = re.compile(r"[+-]?[0-9]{1,12}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_STOP = set('()"') | {" "}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Token:
    kind: str  # ( ) AND OR NOT WORD PHRASE STAR FIELD RANGE CMP
    text: str
    pos: int  # 1-based, for messages
    value: bool = False  # in a field's value
    last_word: bool = False
    extra: tuple[str, ...] = ()


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


class _Lexer:
    def __init__(self, query: str, fields: Mapping[str, FieldType], aliases: Mapping[str, str]):
        self.s = query
        self.fields = fields
        self.aliases = aliases
        self.tokens: list[Token] = []

    def field_name(self, raw: str) -> str | None:
        name = raw.lower()
        name = self.aliases.get(name, name)
        return name if name in self.fields else None

    def run(self) -> list[Token]:
        s, i, n = self.s, 0, len(self.s)
        after_field = False  # the next token is a field's value
        depth_stack: list[bool] = []  # for each open "(": is it a field's value group?
        while i < n:
            ch = s[i]
            if ch.isspace():
                i += 1
                continue
            in_value = after_field or any(depth_stack)
            if ch == "(":
                depth_stack.append(after_field or any(depth_stack))
                self.emit("(", "(", i)
                after_field = False
                i += 1
                continue
            if ch == ")":
                if depth_stack:
                    depth_stack.pop()
                self.emit(")", ")", i)
                after_field = False
                i += 1
                continue
            if ch == '"':
                i = self.phrase(i, in_value)
                after_field = False
                continue
            if in_value and ch in "[{":
                i = self.range(i)
                after_field = False
                continue
            if in_value and ch in "<>":
                op = ch
                if i + 1 < n and s[i + 1] == "=":
                    op += "="
                self.emit("CMP", op, i, value=True)
                i += len(op)
                while i < n and s[i].isspace():
                    i += 1
                continue  # the compared value follows (after_field stays as it was)
            negation = ch == "!" or (ch == "-" and not in_value)
            if negation and i + 1 < n and (s[i + 1].isalnum() or s[i + 1] in '("*_'):
                self.emit("NOT", ch, i)
                i += 1
                continue
            if ch == "+" and i + 1 < n and not s[i + 1].isspace():
                i += 1  # "+word" means "word" (required is the default)
                continue
            j = i
            while j < n and s[j] not in _STOP and not s[j].isspace():
                j += 1
            word = s[i:j]
            if word in ("AND", "&&"):
                self.emit("AND", word, i)
            elif word in ("OR", "||"):
                self.emit("OR", word, i)
            elif word in ("NOT", "!"):
                self.emit("NOT", word, i)
            else:
                match = None if after_field else _FIELD.match(word)
                if match:
                    name = self.field_name(match.group(1))
                    if name is None:
                        raise syntax_error(
                            f'Unknown field "{match.group(1)}" at position {i + 1}. Known '
                            f"fields: {', '.join(sorted(self.fields))}. Put text that "
                            'contains a colon in quotes: "like:this".'
                        )
                    self.emit("FIELD", name, i)
                    i += len(match.group(0))
                    after_field = True
                    continue
                self.word(word, i, in_value)
            after_field = False
            i = j
        if len(self.tokens) > MAX_TERMS:
            raise syntax_error(f"The query has too many terms (at most {MAX_TERMS}).")
        # The last free word is matched as a prefix: people search while they type.
        for index in range(len(self.tokens) - 1, -1, -1):
            token = self.tokens[index]
            if token.kind == "WORD" and not token.value:
                negated = index > 0 and self.tokens[index - 1].kind == "NOT"
                if not negated:
                    self.tokens[index] = replace(token, last_word=True)
                break
        return self.tokens

    def emit(self, kind: str, text: str, i: int, *, value: bool = False, extra: tuple = ()) -> None:
        self.tokens.append(Token(kind, text, i + 1, value=value, extra=extra))

    def phrase(self, i: int, in_value: bool) -> int:
        s, n = self.s, len(self.s)
        j, out = i + 1, []
        while j < n:
            ch = s[j]
            if ch == "\\" and j + 1 < n:
                out.append(s[j + 1])
                j += 2
                continue
            if ch == '"':
                text = "".join(out).strip()
                if in_value or _has_word(text):
                    self.emit("PHRASE", text, i, value=in_value)
                return j + 1
            out.append(ch)
            j += 1
        raise syntax_error(f"The quote at position {i + 1} is never closed.")

    def range(self, i: int) -> int:
        s = self.s
        close = min((k for k in (s.find("]", i), s.find("}", i)) if k != -1), default=-1)
        if close == -1:
            raise syntax_error(f'The range at position {i + 1} is never closed with "]".')
        match = _RANGE.fullmatch(s[i + 1 : close])
        if not match:
            raise syntax_error(
                f"The range at position {i + 1} should look like [2024-01-01 TO 2024-02-01] "
                "(use * for an open end)."
            )
        self.emit(
            "RANGE", s[i : close + 1], i, value=True, extra=(s[i], match[1], match[2], s[close])
        )
        return close + 1

    def word(self, word: str, i: int, in_value: bool) -> None:
        if in_value:
            self.emit("WORD", word, i, value=True)
            return
        if word.strip("*") == "":
            self.emit("STAR", word, i)
            return
        if not _has_word(word):
            return  # punctuation alone: no word to search for
        self.emit("WORD", word, i)


# -- parser -------------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[Token], fields: Mapping[str, FieldType]):
        self.tokens = tokens
        self.fields = fields
        self.i = 0

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Node:
        if not self.tokens:
            return ALL
        node = self.or_(None, 0)
        token = self.peek()
        if token is not None:
            if token.kind == ")":
                raise syntax_error(f'The ")" at position {token.pos} has no matching "(".')
            raise syntax_error(f'Unexpected "{token.text}" at position {token.pos}.')
        return node

    def needs_term_after(self, op: Token) -> None:
        nxt = self.peek()
        if nxt is None or nxt.kind in ("AND", "OR", ")"):
            raise syntax_error(f'"{op.text}" at position {op.pos} needs a term after it.')

    def or_(self, field: str | None, depth: int) -> Node:
        items = [self.and_(field, depth)]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            self.needs_term_after(token)
            items.append(self.and_(field, depth))
        return _or(items)

    def and_(self, field: str | None, depth: int) -> Node:
        items = [self.unary(field, depth)]
        while (token := self.peek()) is not None and token.kind not in ("OR", ")"):
            if token.kind == "AND":
                self.take()
                self.needs_term_after(token)
            items.append(self.unary(field, depth))
        return _and(items)

    def unary(self, field: str | None, depth: int) -> Node:
        token = self.peek()
        if token is None:
            raise syntax_error("The query ends where a term was expected.")
        if token.kind == "NOT":
            self.take()
            self.needs_term_after(token)
            return _not(self.unary(field, depth))
        if token.kind in ("AND", "OR"):
            raise syntax_error(f'"{token.text}" at position {token.pos} needs a term before it.')
        if token.kind == ")":
            raise syntax_error(f'The ")" at position {token.pos} has no matching "(".')
        return self.primary(field, depth)

    def primary(self, field: str | None, depth: int) -> Node:
        token = self.take()
        if token.kind == "(":
            if depth >= MAX_DEPTH:
                raise syntax_error(f"Parentheses are nested too deeply (at most {MAX_DEPTH}).")
            nxt = self.peek()
            if nxt is None:
                raise syntax_error(f'The "(" at position {token.pos} is never closed.')
            if nxt.kind == ")":
                raise syntax_error(f"The parentheses at position {token.pos} are empty.")
            node = self.or_(field, depth + 1)
            close = self.peek()
            if close is None or close.kind != ")":
                raise syntax_error(f'The "(" at position {token.pos} is never closed.')
            self.take()
            return node
        if token.kind == "FIELD":
            if field is not None:
                raise syntax_error(
                    f'The field "{token.text}" at position {token.pos} is inside the value '
                    f'of "{field}"; close its parentheses first.'
                )
            nxt = self.peek()
            if nxt is None or nxt.kind in ("AND", "OR", ")"):
                raise syntax_error(f'"{token.text}:" at position {token.pos} needs a value.')
            return self.unary(token.text, depth)
        if field is not None:
            return self.value(field, token)
        if token.kind == "STAR":
            return ALL
        if token.kind == "PHRASE":
            return Text(token.text, phrase=True)
        if token.kind == "WORD":
            return _free_word(token)
        raise syntax_error(f'Unexpected "{token.text}" at position {token.pos}.')

    # -- values of a field ----------------------------------------------------------------

    def value(self, field: str, token: Token) -> Node:
        kind = self.fields[field]
        if token.kind == "CMP":
            nxt = self.peek()
            if nxt is None or nxt.kind not in ("WORD", "PHRASE"):
                raise syntax_error(f'"{token.text}" at position {token.pos} needs a value.')
            self.take()
            if kind not in ("number", "date"):
                raise syntax_error(_ordered_only(field, token))
            bound = Bound(_bound_value(field, kind, nxt.text, nxt.pos), "=" in token.text)
            if token.text.startswith(">"):
                return Range(field, bound, None)
            return Range(field, None, bound)
        if token.kind == "RANGE":
            if kind not in ("number", "date"):
                raise syntax_error(_ordered_only(field, token))
            opening, low, high, closing = token.extra
            return Range(
                field,
                _bound(field, kind, low, opening == "[", token.pos),
                _bound(field, kind, high, closing == "]", token.pos),
            )
        if token.kind == "STAR":
            return ALL
        if token.kind not in ("WORD", "PHRASE"):
            raise syntax_error(f'Unexpected "{token.text}" at position {token.pos}.')
        raw = token.text
        if kind == "text":
            prefix = token.kind == "WORD" and raw.endswith("*")
            text = raw.strip("*") if token.kind == "WORD" else raw
            if not _has_word(text):
                return NOTHING
            return Text(
                text,
                phrase=token.kind == "PHRASE",
                prefix=prefix and len(text) >= MIN_PREFIX,
                column=field,
            )
        if kind == "keyword":
            prefix = token.kind == "WORD" and raw.endswith("*")
            text = raw.rstrip("*") if prefix else raw
            if text.strip() == "":
                return ALL if prefix else NOTHING
            return Term(field, text, prefix=prefix)
        if kind == "number":
            return Term(field, _integer(field, raw, token.pos))
        day = _day(field, raw, token.pos)
        return Range(field, Bound(day, True), Bound(day, True))


def _ordered_only(field: str, token: Token) -> str:
    return (
        f'"{field}" at position {token.pos} cannot be compared or take a range; only dates '
        "and numbers can."
    )


def _free_word(token: Token) -> Node:
    text = token.text.strip("*")
    explicit = token.text.endswith("*")
    prefix = (explicit or token.last_word) and len(text) >= MIN_PREFIX
    return Text(text, prefix=prefix)


def _integer(field: str, raw: str, pos: int) -> int:
    if not _INTEGER.fullmatch(raw) or abs(int(raw)) > NUMBER_LIMIT:
        raise syntax_error(f'{field}: "{raw}" at position {pos} is not a whole number.')
    return int(raw)


def _day(field: str, raw: str, pos: int) -> date:
    if _DAY.fullmatch(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise syntax_error(f'{field}: "{raw}" at position {pos} is not a date; use YYYY-MM-DD.')


def _bound(field: str, kind: FieldType, raw: str, inclusive: bool, pos: int) -> Bound | None:
    return None if raw == "*" else Bound(_bound_value(field, kind, raw, pos), inclusive)


def _bound_value(field: str, kind: FieldType, raw: str, pos: int) -> BoundValue:
    if kind == "number":
        return _integer(field, raw, pos)
    relative = _RELATIVE.fullmatch(raw)
    if relative:
        amount, unit = relative.groups()
        seconds = int(amount) * _UNITS[unit] if amount else 0
        if seconds > _MAX_RELATIVE:
            raise syntax_error(f'{field}: "{raw}" at position {pos} reaches too far back.')
        return Relative(seconds)
    if _DAY.fullmatch(raw):
        return _day(field, raw, pos)
    if len(raw) >= 16 and _DAY.fullmatch(raw[:10]) and raw[10] in "Tt":
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            pass
    raise syntax_error(
        f'{field}: "{raw}" at position {pos} is not a date; use YYYY-MM-DD, '
        "YYYY-MM-DDTHH:MM or now-2h / now-7d."
    )


# -- boolean algebra on the tree ----------------------------------------------------------


def _and(items: list[Node]) -> Node:
    flat: list[Node] = []
    for item in items:
        if isinstance(item, Nothing):
            return NOTHING
        if isinstance(item, All):
            continue
        flat.extend(item.items if isinstance(item, And) else (item,))
    if not flat:
        return ALL
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def _or(items: list[Node]) -> Node:
    flat: list[Node] = []
    for item in items:
        if isinstance(item, All):
            return ALL
        if isinstance(item, Nothing):
            continue
        flat.extend(item.items if isinstance(item, Or) else (item,))
    if not flat:
        return NOTHING
    return flat[0] if len(flat) == 1 else Or(tuple(flat))


def _not(item: Node) -> Node:
    if isinstance(item, All):
        return NOTHING
    if isinstance(item, Nothing):
        return ALL
    if isinstance(item, Not):
        return item.item
    return Not(item)


# -- entry point --------------------------------------------------------------------------


def parse(
    query: str,
    fields: Mapping[str, FieldType],
    aliases: Mapping[str, str] | None = None,
) -> Node:
    """Parse ``query`` for documents with these ``fields`` (name -> type; names lower-case).

    ``aliases`` maps other names (lower-case) onto field names. Raises ``Invalid`` with
    ``code="search.syntax"`` and ``field="query"`` for anything it cannot read.
    """
    if len(query) > MAX_LENGTH:
        raise syntax_error(f"The query is too long (at most {MAX_LENGTH} characters).")
    # Control characters (NUL breaks PostgreSQL) and unpaired surrogates are not text.
    query = _CONTROL.sub(" ", query.encode("utf-8", "replace").decode("utf-8"))
    tokens = _Lexer(query, fields, aliases or {}).run()
    return _Parser(tokens, fields).parse()
