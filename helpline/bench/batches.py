"""Batches of benchmark tickets: rows for every table and the search documents.

A batch is a pure function of the shared context and its number (its generator is seeded
with ``"<seed>:<batch>"``), so batches can be made in another process while the database
writes the previous one, and the dataset is the same whichever way it was made. Ids of
articles, taggings and attachments are given from 0 within the batch; the writer moves
them onto the next free ids.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from hashlib import sha256
from typing import Any

from helpline.bench import text as words
from helpline.search.registry import Document

STATES = {
    "new": 6, "open": 12, "pending reminder": 3, "pending close": 2, "closed": 70,
    "resolved": 6, "merged": 1,
}  # fmt: skip
CLOSED_STATES = ("closed", "resolved", "merged")
PRIORITIES = {"0 very low": 3, "1 low": 20, "2 normal": 57, "3 high": 15, "4 critical": 5}
CHANNELS = {"email": 60, "web": 25, "phone": 10, "chat": 5}
# Articles per ticket: 1 + a geometric tail, mean about 4.8.
ARTICLE_COUNTS = list(range(1, 21))
ARTICLE_WEIGHTS = [0.8**k for k in range(20)]
TAG_COUNTS = {0: 40, 1: 30, 2: 20, 3: 10}
ATTACHMENT_KINDS = [
    ("png", "image/png"), ("jpg", "image/jpeg"), ("pdf", "application/pdf"),
    ("txt", "text/plain"), ("log", "text/plain"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("zip", "application/zip"),
]  # fmt: skip
SUPPORT_ADDRESS = "support@helpdesk.example"

TICKET_COLUMNS = [
    "id", "number", "title", "group_id", "category_id", "state_id", "priority_id",
    "customer_id", "organization_id", "owner_id", "article_count", "created_at", "updated_at",
    "close_at", "first_response_at", "last_contact_at", "last_contact_agent_at",
    "last_contact_customer_at", "create_article_type_id", "create_article_sender_id",
    "created_by_id", "updated_by_id",
]  # fmt: skip
ARTICLE_COLUMNS = [
    "id", "ticket_id", "type_id", "sender_id", "internal", "from_address", "to", "subject",
    "content_type", "body", "created_at", "updated_at", "created_by_id", "updated_by_id",
]  # fmt: skip
TAGGING_COLUMNS = ["id", "tag_id", "object_type", "object_id", "created_at"]
ATTACHMENT_COLUMNS = [
    "id", "object_type", "object_id", "store", "filename", "size", "content_type", "sha256",
    "created_at", "created_by_id",
]  # fmt: skip


@dataclass(frozen=True)
class Customer:
    id: int
    organization_id: int | None
    firstname: str
    lastname: str
    email: str
    login: str
    organization: str
    organization_email: str

    @property
    def name(self) -> str:
        return f"{self.firstname} {self.lastname}"


@dataclass
class Context:
    """Everything a batch needs, made once from the database (picklable)."""

    seed: int
    start: datetime
    end: datetime
    tickets: int
    number_base: int  # the ticket counter before the first batch
    prefix: str
    sqlite: bool
    customers: list[Customer]
    group_ids: list[int]
    group_weights: list[float]
    categories: dict[int, list[int]]
    group_agents: dict[int, list[int]]
    agent_ids: list[int]
    tag_ids: list[int]
    tag_names: dict[int, str]
    tag_weights: list[float]
    state_ids: dict[str, int]
    priority_ids: dict[str, int]
    type_ids: dict[str, int]
    sender_ids: dict[str, int]


@dataclass
class Batch:
    tickets: list[tuple[Any, ...]] = field(default_factory=list)
    articles: list[tuple[Any, ...]] = field(default_factory=list)  # ids from 0
    taggings: list[tuple[Any, ...]] = field(default_factory=list)  # ids from 0
    attachments: list[tuple[Any, ...]] = field(default_factory=list)  # ids and articles from 0
    documents: list[Document] = field(default_factory=list)


def _cum(weights: Any) -> list[float]:
    return list(itertools.accumulate(weights))


class _Maker:
    """Makes batches for one context; keeps the text vocabulary between batches."""

    def __init__(self, ctx: Context):
        from helpline.tickets.rules import ticket_number
        from helpline.tickets.search import ticket_document

        self.ctx = ctx
        self.document = ticket_document
        self.number = ticket_number
        self.text = words.TextMaker(random.Random(ctx.seed))
        self.group_cum = _cum(ctx.group_weights)
        self.states = [ctx.state_ids[n] for n in STATES]
        self.state_cum = _cum(STATES.values())
        self.closed = {ctx.state_ids[n] for n in CLOSED_STATES}
        self.priorities = [ctx.priority_ids[n] for n in PRIORITIES]
        self.priority_cum = _cum(PRIORITIES.values())
        self.count_cum = _cum(ARTICLE_WEIGHTS)
        self.channels = list(CHANNELS)
        self.channel_cum = _cum(CHANNELS.values())
        self.tag_counts = list(TAG_COUNTS)
        self.tag_count_cum = _cum(TAG_COUNTS.values())
        self.tag_cum = _cum(ctx.tag_weights)
        self.span = int((ctx.end - ctx.start).total_seconds())

    def when(self, value: datetime) -> Any:
        # SQLite keeps UTC datetimes as text, the way Django writes them; times are whole
        # seconds, so the first 19 characters are the whole value.
        return value.isoformat(" ")[:19] if self.ctx.sqlite else value

    def batch(self, number: int, first_index: int, size: int, first_ticket_id: int) -> Batch:
        rng = random.Random(f"{self.ctx.seed}:{number}")
        self.text.rng = rng
        out = Batch()
        for i in range(size):
            index = first_index + i
            offset = self.span * index // max(self.ctx.tickets, 1) + rng.randrange(0, 3600)
            created = self.ctx.start + timedelta(seconds=offset)
            self.ticket(rng, out, first_ticket_id + i, self.ctx.number_base + index + 1, created)
        return out

    def ticket(self, rng: random.Random, out: Batch, pk: int, seq: int, created: datetime) -> None:
        ctx, text, when = self.ctx, self.text, self.when
        customer = ctx.customers[int(rng.random() ** 1.5 * len(ctx.customers))]
        name = customer.name
        group_id = rng.choices(ctx.group_ids, cum_weights=self.group_cum)[0]
        state_id = rng.choices(self.states, cum_weights=self.state_cum)[0]
        closed = state_id in self.closed
        agents = ctx.group_agents[group_id] or ctx.agent_ids
        owner_id = rng.choice(agents) if agents and (closed or rng.random() < 0.6) else None
        title = text.title(name)
        n_articles = rng.choices(ARTICLE_COUNTS, cum_weights=self.count_cum)[0]
        channel = rng.choices(self.channels, cum_weights=self.channel_cum)[0]
        moment = created
        first_response = last_agent = last_customer = None
        article_base = len(out.articles)
        bodies: list[tuple[str, str, bool]] = []
        author: int | None
        for k in range(n_articles):
            if k == 0:
                sender, internal, body = "Customer", False, text.first_body(title, name)
                author = customer.id
            elif owner_id is not None and rng.random() < 0.15:
                sender, internal, body = "Agent", True, text.note_body()
                author = owner_id
            elif k % 2 == 1:
                sender, internal = "Agent", False
                author = owner_id or (rng.choice(agents) if agents else None)
                body = text.reply_body("Service Desk")
            else:
                sender, internal, body = "Customer", False, text.reply_body(name)
                author = customer.id
            if internal:
                article_type = "note"
            else:
                article_type = channel if k == 0 else ("email" if rng.random() < 0.7 else "web")
            html = article_type == "email" and rng.random() < 0.5
            if html:
                body = words.as_html(body)
            content_type = "text/html" if html else "text/plain"
            if sender == "Agent":
                last_agent = moment
                if first_response is None and not internal:
                    first_response = moment
            else:
                last_customer = moment
            stamp = when(moment)
            from_customer = sender == "Customer"
            article_id = article_base + k
            out.articles.append((
                article_id, pk, ctx.type_ids[article_type], ctx.sender_ids[sender], internal,
                customer.email if from_customer else SUPPORT_ADDRESS,
                SUPPORT_ADDRESS if from_customer else customer.email,
                title if k == 0 else f"Re: {title}", content_type, body, stamp, stamp,
                author, author,
            ))  # fmt: skip
            bodies.append((body, content_type, internal))
            roll = rng.random()
            for _ in range(2 if roll < 0.02 else 1 if roll < 0.10 else 0):
                out.attachments.append(
                    self.attachment(rng, len(out.attachments), article_id, stamp, author)
                )
            moment += timedelta(minutes=rng.randrange(5, 3 * 24 * 60))
        updated = min(moment, ctx.end)
        n_tags = rng.choices(self.tag_counts, cum_weights=self.tag_count_cum)[0]
        tags = sorted(set(rng.choices(ctx.tag_ids, cum_weights=self.tag_cum, k=n_tags)))
        created_at = when(created)
        for tag in tags:
            out.taggings.append((len(out.taggings), tag, "Ticket", pk, created_at))
        number = self.number(ctx.prefix, seq)
        last_contact = max(d for d in (last_agent, last_customer) if d is not None)
        out.tickets.append((
            pk, number, title, group_id, rng.choice(ctx.categories[group_id]), state_id,
            rng.choices(self.priorities, cum_weights=self.priority_cum)[0], customer.id,
            customer.organization_id, owner_id, n_articles, created_at, when(updated),
            when(updated) if closed else None,
            when(first_response) if first_response else None, when(last_contact),
            when(last_agent) if last_agent else None,
            when(last_customer) if last_customer else None,
            ctx.type_ids[channel], ctx.sender_ids["Customer"], customer.id,
            owner_id or customer.id,
        ))  # fmt: skip
        people = ("", customer.firstname, customer.lastname, customer.email, customer.login,
                  customer.organization, customer.organization_email)  # fmt: skip
        tag_names = [ctx.tag_names[t] for t in tags]
        out.documents.append(self.document(pk, number, title, people, tag_names, bodies))

    def attachment(
        self, rng: random.Random, pk: int, article_id: int, stamp: Any, author: int | None
    ) -> tuple[Any, ...]:
        extension, content_type = rng.choice(ATTACHMENT_KINDS)
        digest = sha256(f"{self.ctx.seed}:{rng.random()}".encode()).hexdigest()
        stem = rng.choice(("screenshot", "log", "invoice", "photo", "report", "export"))
        return (
            pk, "Article", article_id, f"attachments/{digest[:2]}/{digest[2:4]}/{digest}",
            f"{stem}-{digest[:8]}.{extension}", int(rng.lognormvariate(11, 1.3)), content_type,
            digest, stamp, author,
        )  # fmt: skip


_maker: _Maker | None = None


def start_worker(ctx: Context) -> None:
    """Process-pool initializer: build the vocabulary once per worker."""
    global _maker
    _maker = _Maker(ctx)


def make_batch(number: int, first_index: int, size: int, first_ticket_id: int) -> Batch:
    """Batch ``number`` (tickets ``first_index`` ... of the dataset) in this worker."""
    if _maker is None:
        raise RuntimeError("start_worker() was not called in this process")
    return _maker.batch(number, first_index, size, first_ticket_id)
