"""From a parsed query to a plan: ORM filters for field terms, full-text for words.

Words that sit together under one AND or OR become one full-text expression (one index
lookup), negated words join it as "without" when something positive is beside them, and
every other combination becomes ``pk IN (matching documents)`` inside the ORM filter, so
any mix of AND / OR / NOT stays exact. The plan also names the words to rank by: the
required words when there are some, otherwise every word that is not negated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import and_, or_

from django.db.models import Q
from django.utils import timezone

from helpline.search import query as ast
from helpline.search.backends import AllOf, AnyOf, Backend, Leaf, TextExpr, Without
from helpline.search.registry import DocumentKind


@dataclass
class Plan:
    filter: Q  # field terms and words that are not required (scope is the caller's)
    required: TextExpr | None  # words every result matches (an inner join on the index)
    rank: TextExpr | None  # words to rank by; None orders by newest


@dataclass
class _Part:
    q: Q | None = None  # None: no condition
    text: TextExpr | None = None  # required words (ANDed with q)
    negated: TextExpr | None = None  # "NOT words", when nothing else is here
    ranks: list[TextExpr] = field(default_factory=list)

    @property
    def pure_text(self) -> bool:
        return self.q is None and self.negated is None and self.text is not None


class _Compiler:
    def __init__(
        self, kind: DocumentKind, backend: Backend, internal: bool, moment: datetime
    ) -> None:
        self.kind = kind
        self.backend = backend
        self.internal = internal
        self.now = moment

    def match(self, expr: TextExpr) -> Q:
        return Q(pk__in=self.backend.matching(self.kind.name, expr, self.internal))

    def to_q(self, part: _Part) -> Q:
        conditions = [part.q] if part.q is not None else []
        if part.text is not None:
            conditions.append(self.match(part.text))
        if part.negated is not None:
            conditions.append(~self.match(part.negated))
        return reduce(and_, conditions) if conditions else Q()

    def compile(self, node: ast.Node) -> _Part:
        if isinstance(node, ast.Text):
            return _Part(text=Leaf(node.text, node.phrase, node.prefix, self.column(node)))
        if isinstance(node, ast.Term):
            return _Part(q=self.term(node))
        if isinstance(node, ast.Range):
            return _Part(q=self.range(node))
        if isinstance(node, ast.All):
            return _Part()
        if isinstance(node, ast.Nothing):
            return _Part(q=Q(pk__in=[]))
        if isinstance(node, ast.Not):
            return self.negate(self.compile(node.item))
        if isinstance(node, ast.And):
            return self.all_of([self.compile(item) for item in node.items])
        if isinstance(node, ast.Or):
            return self.any_of([self.compile(item) for item in node.items])
        raise TypeError(node)

    def column(self, node: ast.Text) -> str | None:
        if node.column is None:
            return None
        return self.kind.fields[node.column].column

    def negate(self, part: _Part) -> _Part:
        if part.pure_text:
            return _Part(negated=part.text)
        if part.q is None and part.text is None and part.negated is not None:
            return _Part(text=part.negated)
        return _Part(q=~self.to_q(part))

    def all_of(self, parts: list[_Part]) -> _Part:
        texts = [p.text for p in parts if p.text is not None]
        dropped = [p.negated for p in parts if p.negated is not None]
        conditions = [p.q for p in parts if p.q is not None]
        ranks = [r for p in parts for r in p.ranks]
        text: TextExpr | None = _join(AllOf, texts) if texts else None
        if dropped:
            drop = _join(AnyOf, dropped)
            if text is not None:
                text = Without(text, drop)
            else:
                conditions.append(~self.match(drop))
        q = reduce(and_, conditions) if conditions else None
        return _Part(q=q, text=text, ranks=ranks)

    def any_of(self, parts: list[_Part]) -> _Part:
        texts = [p.text for p in parts if p.pure_text and p.text is not None]
        if len(texts) == len(parts):
            return _Part(text=_join(AnyOf, texts))
        conditions = [self.to_q(p) for p in parts if not p.pure_text]
        ranks = [r for p in parts for r in p.ranks]
        ranks += [p.text for p in parts if p.text is not None and not p.pure_text]
        if texts:
            either = _join(AnyOf, texts)
            conditions.append(self.match(either))
            ranks.append(either)
        return _Part(q=reduce(or_, conditions), ranks=ranks)

    # -- field terms ----------------------------------------------------------------------

    def term(self, node: ast.Term) -> Q:
        spec = self.kind.fields[node.field]
        if spec.match is not None:
            return spec.match(str(node.value), node.prefix)
        if spec.path is None:
            raise TypeError(f"{self.kind.name}.{node.field} has neither match nor path")
        return Q(**{spec.path: node.value})

    def range(self, node: ast.Range) -> Q:
        spec = self.kind.fields[node.field]
        if spec.path is None:
            raise TypeError(f"{self.kind.name}.{node.field} has no path to compare")
        q = Q()
        if node.low is not None:
            low = self.edge(node.low, upper=False)
            if low is None:
                return Q(pk__in=[])
            q &= Q(**{f"{spec.path}__{low[0]}": low[1]})
        if node.high is not None:
            high = self.edge(node.high, upper=True)
            if high is not None:
                q &= Q(**{f"{spec.path}__{high[0]}": high[1]})
        return q

    def edge(self, bound: ast.Bound, *, upper: bool) -> tuple[str, object] | None:
        """The lookup and value for one end of a range; ``None`` when it is past the end
        of the calendar (no upper limit; an impossible lower one)."""
        value = bound.value
        if isinstance(value, int):
            if upper:
                return ("lte" if bound.inclusive else "lt", value)
            return ("gte" if bound.inclusive else "gt", value)
        if isinstance(value, ast.Relative):
            instant = self.now - timedelta(seconds=value.seconds)
            if upper:
                return ("lte" if bound.inclusive else "lt", instant)
            return ("gte" if bound.inclusive else "gt", instant)
        if isinstance(value, datetime):
            instant = value if timezone.is_aware(value) else _aware(value)
            if upper:
                return ("lte" if bound.inclusive else "lt", instant)
            return ("gte" if bound.inclusive else "gt", instant)
        # A whole day: [day TO day] covers it; an exclusive end leaves it out.
        try:
            if upper:
                day = value + timedelta(days=1) if bound.inclusive else value
                return ("lt", _start_of(day))
            day = value if bound.inclusive else value + timedelta(days=1)
            return ("gte", _start_of(day))
        except OverflowError:
            return None


def _start_of(day: date) -> datetime:
    return _aware(datetime.combine(day, time.min))


def _aware(value: datetime) -> datetime:
    try:
        return timezone.make_aware(value)
    except (ValueError, OverflowError) as exc:  # a time that does not exist in this zone
        raise ast.syntax_error(f"{value.isoformat()} is not a valid time here.") from exc


def _join(kind: type[AllOf] | type[AnyOf], items: list[TextExpr]) -> TextExpr:
    flat: list[TextExpr] = []
    for item in items:
        if isinstance(item, AllOf | AnyOf) and isinstance(item, kind):
            flat.extend(item.items)
        else:
            flat.append(item)
    return flat[0] if len(flat) == 1 else kind(tuple(flat))


def plan(
    node: ast.Node, kind: DocumentKind, backend: Backend, *, internal: bool, moment: datetime
) -> Plan:
    """The plan for ``node``: what to filter by, what every result must match, what to rank by."""
    compiler = _Compiler(kind, backend, internal, moment)
    part = compiler.compile(node)
    q = part.q if part.q is not None else Q()
    if part.negated is not None:
        q &= ~compiler.match(part.negated)
    ranks = part.ranks
    if part.text is not None:
        if not ranks:
            return Plan(filter=q, required=part.text, rank=part.text)
        q &= compiler.match(part.text)
        ranks = [part.text, *ranks]
    rank = _join(AnyOf, ranks) if ranks else None
    return Plan(filter=q, required=None, rank=rank)
