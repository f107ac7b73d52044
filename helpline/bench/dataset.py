"""The benchmark dataset: organizations, people, groups, tickets with their articles,
tags and attachment records, and the search index, written through bulk paths.

Reproducible: ``random.Random(seed)`` makes the people and places, each batch of tickets
has its own generator seeded from the seed and the batch number (``batches``), and the
calendar is fixed (tickets spread over the three years before 2025-06-30), so a seed always
gives the same rows, however many worker processes made them. Rows go in with explicit
ids, many per statement (SQLite: ``executemany`` on the raw connection with synchronous
writes off; PostgreSQL: ``COPY``), one transaction per batch of tickets; ticket numbers
continue the ticket counter, which is left at the last number. The search index is filled
batch by batch with documents made by the tickets' own ``ticket_document``.
"""

from __future__ import annotations

import multiprocessing
import queue
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any

from django.core.management.color import no_style
from django.db import connection, connections, models, transaction
from django.db.models import Max

from helpline.bench import batches
from helpline.bench import text as words
from helpline.core.models import (
    Attachment,
    Group,
    GroupMembership,
    Organization,
    Role,
    Tag,
    Tagging,
    User,
)
from helpline.core.services.settings import get_setting
from helpline.lib import refcache
from helpline.search.models import SearchDocument
from helpline.search.services.index import write_documents
from helpline.tickets.models import (
    Article,
    ArticleSender,
    ArticleType,
    Ticket,
    TicketCategory,
    TicketCounter,
    TicketPriority,
    TicketState,
)

END = datetime(2025, 6, 30, tzinfo=UTC)
START = END - timedelta(days=3 * 365)


class SeedError(Exception):
    """The dataset cannot be loaded here (e.g. the database already holds tickets)."""


@dataclass(frozen=True)
class SeedPlan:
    tickets: int = 1_000_000
    users: int = 50_000
    organizations: int = 5_000
    groups: int = 50
    tags: int = 300
    seed: int = 1
    batch: int = 5_000
    workers: int = 1  # processes making batches while the database writes (0: none)
    # PostgreSQL: connections computing the search documents' tsvectors beside the one
    # writing the rows (0: that one writes them too). SQLite has a single writer.
    index_connections: int = 2


@dataclass
class SeedReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    ticket_seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds spent per kind of work

    @contextmanager
    def timing(self, phase: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.phases[phase] = self.phases.get(phase, 0.0) + time.monotonic() - started


class _Table:
    """One model's table, written in bulk: every column of the model, its default unless
    given. ``given`` names the attributes each row supplies (in order), already in the
    form the database takes."""

    def __init__(self, model: type[models.Model], given: Sequence[str]):
        fields = model._meta.concrete_fields
        self.table = model._meta.db_table
        self.columns = [f.column for f in fields]
        unknown = set(given) - {f.attname for f in fields}
        if unknown:
            raise ValueError(f"{self.table} has no {', '.join(sorted(unknown))}")
        defaults = [f for f in fields if f.attname not in given]
        self.defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in defaults)
        # A row is (given values + defaults) picked into column order in one C call.
        slot = {name: i for i, name in enumerate(given)}
        slot.update({f.attname: len(given) + i for i, f in enumerate(defaults)})
        self.pick = itemgetter(*(slot[f.attname] for f in fields))

    def rows(self, values: Sequence[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        pick, defaults = self.pick, self.defaults
        return (pick(value + defaults) for value in values)

    def write(self, values: Sequence[tuple[Any, ...]]) -> int:
        if not values:
            return 0
        connection.ensure_connection()
        raw = connection.connection
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        table = connection.ops.quote_name(self.table)
        if connection.vendor == "postgresql":
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in self.rows(values):
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(self.columns))
            raw.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", self.rows(values))  # noqa: S608
        return len(values)


def _sqlite_when(value: datetime) -> Any:
    """A UTC datetime as Django writes it into SQLite (text without the zone)."""
    return value.replace(tzinfo=None).isoformat(" ")


def _same(value: datetime) -> Any:
    return value


def _next_id(model: type[models.Model]) -> int:
    return int(model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


@contextmanager
def _bulk_load() -> Iterator[None]:
    """Engine settings for a bulk load, restored afterwards. SQLite keeps its rollback
    journal in memory meanwhile (no WAL copy of every page; a crash mid-load can spoil
    the file, which is why the seed only runs on an empty database)."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode = MEMORY")
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -524288")  # 512 MB
        else:
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET maintenance_work_mem = '256MB'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
                cursor.execute("PRAGMA cache_size = -65536")
            else:
                cursor.execute("SET synchronous_commit = on")
                cursor.execute("RESET maintenance_work_mem")


@contextmanager
def _without_secondary_indexes(
    tables: Sequence[type[models.Model]], report: SeedReport, builders: int = 1
) -> Iterator[None]:
    """Drop the tables' secondary indexes for the load and build them again afterwards
    (sorting once beats updating two dozen B-trees per row). Primary keys and unique
    constraints stay, so the load is still checked."""
    names = [t._meta.db_table for t in tables]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(names))
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "  # noqa: S608
                f"AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%' AND tbl_name IN ({marks})",
                names,
            )
        else:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "JOIN pg_class c ON c.relname = i.indexname "
                "JOIN pg_index x ON x.indexrelid = c.oid "
                "WHERE i.tablename = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary",
                [names],
            )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with report.timing("rebuild indexes"):
            if connection.vendor == "postgresql" and builders > 1:
                # Tables in the order given, so the longest builds (listed first) start first.
                order = {name: i for i, name in enumerate(names)}
                statements = [sql for _name, sql in indexes]
                statements.sort(key=lambda sql: min(
                    (i for name, i in order.items() if f"public.{name} " in sql), default=99
                ))  # fmt: skip
                _build_in_parallel(statements, builders)
            else:
                with connection.cursor() as cursor:
                    for _name, sql in indexes:
                        cursor.execute(sql)


def _build_in_parallel(statements: list[str], builders: int) -> None:
    """PostgreSQL: run the index builds from ``builders`` connections at once (a GIN build
    is single-threaded, so the B-trees are built beside it)."""
    todo: queue.Queue[str] = queue.Queue()
    for sql in statements:
        todo.put(sql)
    errors: list[BaseException] = []

    def build() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '256MB'")
                while not errors:
                    try:
                        sql = todo.get_nowait()
                    except queue.Empty:
                        return
                    cursor.execute(sql)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=build, name=f"seed-build-{i}") for i in range(builders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


class _ParallelIndex:
    """PostgreSQL: search documents written by other connections, in threads, while the
    main connection goes on with the next batches. Computing the weighted tsvectors is most
    of a PostgreSQL load; this spreads it over server processes (the documents do not
    reference the tickets, so they may commit in any order). A bounded queue keeps at most
    two batches per connection waiting; the first error stops the load."""

    def __init__(self, threads: int, report: SeedReport):
        self.report = report
        self.jobs: queue.Queue[list[Any] | None] = queue.Queue(maxsize=threads * 2)
        self.written = 0
        self.errors: list[BaseException] = []
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._run, name=f"seed-index-{i}", daemon=True)
            for i in range(threads)
        ]
        for thread in self.threads:
            thread.start()

    def _run(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
            while (documents := self.jobs.get()) is not None:
                if self.errors:
                    continue  # drain the queue; the main thread raises
                try:
                    with transaction.atomic():
                        n = write_documents("ticket", documents)
                except BaseException as exc:
                    with self.lock:
                        self.errors.append(exc)
                else:
                    with self.lock:
                        self.written += n
        finally:
            connections.close_all()  # this thread's connection

    def _check(self) -> None:
        if self.errors:
            raise self.errors[0]

    def submit(self, documents: list[Any]) -> None:
        self._check()
        with self.report.timing("search index (waiting)"):
            self.jobs.put(documents)

    def close(self) -> int:
        """Wait for every document; the number written."""
        with self.report.timing("search index (waiting)"):
            for _thread in self.threads:
                self.jobs.put(None)
            for thread in self.threads:
                thread.join()
        self._check()
        return self.written


class _Seeder:
    def __init__(self, plan: SeedPlan, out: Callable[[str], None]):
        self.plan = plan
        self.out = out
        self.rng = random.Random(plan.seed)
        self.report = SeedReport()
        self.when = _sqlite_when if connection.vendor == "sqlite" else _same
        self.index: _ParallelIndex | None = None

    def count(self, name: str, n: int) -> None:
        self.report.counts[name] = self.report.counts.get(name, 0) + n

    # -- people and places -------------------------------------------------------------

    def organizations(self) -> None:
        rng, n = self.rng, self.plan.organizations
        taken = {name.lower() for name in Organization.objects.values_list("name", flat=True)}
        first = _next_id(Organization)
        rows: list[tuple[Any, ...]] = []
        self.org_ids: list[int] = []
        self.org_domains: list[str] = []
        stamp = self.when(START)
        for i in range(n):
            base = " ".join(
                (
                    rng.choice(words.COMPANY_A),
                    rng.choice(words.COMPANY_B),
                    rng.choice(words.COMPANY_C),
                )
            )
            name, k = base, 1
            while name.lower() in taken:
                k += 1
                name = f"{base} {k}"
            taken.add(name.lower())
            domain = name.lower().replace(" ", "-") + ".example"
            pk = first + i
            rows.append((pk, name, domain, f"office@{domain}", stamp, stamp))
            self.org_ids.append(pk)
            self.org_domains.append(domain)
        table = _Table(Organization, ["id", "name", "domain", "email", "created_at", "updated_at"])
        with transaction.atomic():
            self.count("organizations", table.write(rows))

    def groups(self) -> None:
        rng, n = self.rng, self.plan.groups
        taken = {name.lower() for name in Group.objects.values_list("name", flat=True)}
        first, first_cat = _next_id(Group), _next_id(TicketCategory)
        groups: list[tuple[Any, ...]] = []
        categories: list[tuple[Any, ...]] = []
        self.group_ids: list[int] = []
        self.categories: dict[int, list[int]] = {}
        stamp = self.when(START)
        for i in range(n):
            base = words.GROUPS[i % len(words.GROUPS)]
            name = base if i < len(words.GROUPS) else f"{base} {i // len(words.GROUPS) + 1}"
            while name.lower() in taken:
                name += " (bench)"
            taken.add(name.lower())
            pk = first + i
            groups.append((pk, name, stamp, stamp))
            self.group_ids.append(pk)
            names = ["General", *rng.sample(words.CATEGORIES[1:], 2)]
            self.categories[pk] = []
            for j, cat in enumerate(names):
                cat_id = first_cat + len(categories)
                categories.append((cat_id, pk, cat, j == 0, stamp, stamp))
                self.categories[pk].append(cat_id)
        with transaction.atomic():
            self.count(
                "groups", _Table(Group, ["id", "name", "created_at", "updated_at"]).write(groups)
            )
            table = _Table(
                TicketCategory, ["id", "group_id", "name", "is_default", "created_at", "updated_at"]
            )
            self.count("categories", table.write(categories))
        # Larger groups get more tickets.
        self.group_weights = [1.0 / (i + 1) ** 0.8 for i in range(n)]

    def users(self) -> None:
        rng, total = self.rng, self.plan.users
        agents = max(1, min(total // 250, 500)) if total > 1 else 0
        taken_logins = {v.lower() for v in User.objects.values_list("login", flat=True)}
        first = _next_id(User)
        roles = dict(Role.objects.filter(name__in=["Agent", "Customer"]).values_list("name", "pk"))
        rows: list[tuple[Any, ...]] = []
        role_rows: list[tuple[Any, ...]] = []
        members: list[tuple[Any, ...]] = []
        self.agent_ids: list[int] = []
        self.customers: list[tuple[int, int | None, str, str, str, str]] = []
        self.group_agents: dict[int, list[int]] = {g: [] for g in self.group_ids}
        first_role_row = _next_id(User.roles.through)
        first_member = _next_id(GroupMembership)
        stamp = self.when(START)
        for i in range(total):
            pk = first + i
            firstname, lastname = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
            login = f"{firstname}.{lastname}".lower()
            while login in taken_logins:
                login = f"{firstname}.{lastname}{rng.randrange(10, 100000)}".lower()
            taken_logins.add(login)
            is_agent = i < agents
            org_id = None
            if is_agent:
                domain = "helpdesk.example"
            elif self.org_ids and rng.random() < 0.85:
                o = int(rng.random() ** 2 * len(self.org_ids))  # a few large customers
                org_id, domain = self.org_ids[o], self.org_domains[o]
            else:
                domain = rng.choice(("mail.example", "inbox.example", "post.example"))
            email = f"{login}@{domain}"
            rows.append((pk, login, email, firstname, lastname, org_id, "!", stamp, stamp))
            role_rows.append((first_role_row + i, pk, roles["Agent" if is_agent else "Customer"]))
            if is_agent:
                self.agent_ids.append(pk)
                for group_id in rng.sample(
                    self.group_ids, min(len(self.group_ids), rng.randint(1, 4))
                ):
                    members.append((first_member + len(members), pk, group_id, "full"))
                    self.group_agents[group_id].append(pk)
            else:
                self.customers.append((pk, org_id, firstname, lastname, email, login))
        given = ["id", "login", "email", "firstname", "lastname", "organization_id", "password",
                 "created_at", "updated_at"]  # fmt: skip
        with transaction.atomic():
            self.count("users", _Table(User, given).write(rows))
            _Table(User.roles.through, ["id", "user_id", "role_id"]).write(role_rows)
            table = _Table(GroupMembership, ["id", "user_id", "group_id", "access"])
            self.count("group memberships", table.write(members))

    def tags(self) -> None:
        names = list(words.TAGS_BASE)
        extra = 0
        while len(names) < self.plan.tags:
            extra += 1
            names.append(f"{self.rng.choice(words.TAGS_BASE)}-{extra}")
        names = names[: self.plan.tags]
        existing = {n.lower(): (pk, n) for pk, n in Tag.objects.values_list("pk", "name")}
        missing = [n for n in names if n.lower() not in existing]
        first = _next_id(Tag)
        stamp = self.when(START)
        with transaction.atomic():
            _Table(Tag, ["id", "name", "created_at"]).write(
                [(first + i, name, stamp) for i, name in enumerate(missing)]
            )
        self.count("tags", len(missing))
        existing.update({name.lower(): (first + i, name) for i, name in enumerate(missing)})
        # Existing tags of the same names are used as they are.
        self.tag_ids = [existing[n.lower()][0] for n in names]
        self.tag_names = dict(existing[n.lower()] for n in names)

    # -- tickets ------------------------------------------------------------------------

    def context(self, number_base: int) -> batches.Context:
        orgs = {
            pk: (name, email)
            for pk, name, email in Organization.objects.filter(pk__in=self.org_ids).values_list(
                "pk", "name", "email"
            )
        }
        customers = [
            batches.Customer(
                pk, org_id, first, last, email, login, *orgs.get(org_id or 0, ("", ""))
            )
            for pk, org_id, first, last, email, login in self.customers
        ]
        return batches.Context(
            seed=self.plan.seed,
            start=START,
            end=END,
            tickets=self.plan.tickets,
            number_base=number_base,
            prefix=str(get_setting("tickets.number_prefix") or ""),
            sqlite=connection.vendor == "sqlite",
            customers=customers,
            group_ids=self.group_ids,
            group_weights=self.group_weights,
            categories=self.categories,
            group_agents=self.group_agents,
            agent_ids=self.agent_ids,
            tag_ids=self.tag_ids,
            tag_names=self.tag_names,
            tag_weights=[1.0 / (i + 1) for i in range(len(self.tag_ids))],
            state_ids=dict(TicketState.objects.values_list("name", "pk")),
            priority_ids=dict(TicketPriority.objects.values_list("name", "pk")),
            type_ids=dict(ArticleType.objects.values_list("name", "pk")),
            sender_ids=dict(ArticleSender.objects.values_list("name", "pk")),
        )

    def tickets(self, progress: Callable[[int], None] | None, workers: int) -> None:
        """Tickets in batches, each written in one transaction; with ``workers``, the next
        batches are made in other processes while this one writes."""
        plan = self.plan
        counter, _ = TicketCounter.objects.get_or_create(name="ticket")
        ctx = self.context(counter.value)
        first_ticket = _next_id(Ticket)
        ids = {
            "article": _next_id(Article),
            "tagging": _next_id(Tagging),
            "attachment": _next_id(Attachment),
        }
        tables = {
            "tickets": _Table(Ticket, batches.TICKET_COLUMNS),
            "articles": _Table(Article, batches.ARTICLE_COLUMNS),
            "taggings": _Table(Tagging, batches.TAGGING_COLUMNS),
            "attachments": _Table(Attachment, batches.ATTACHMENT_COLUMNS),
        }
        jobs = [
            (n, start, min(plan.batch, plan.tickets - start), first_ticket + start)
            for n, start in enumerate(range(0, plan.tickets, plan.batch))
        ]
        started = time.monotonic()
        if connection.vendor == "postgresql" and plan.index_connections > 0:
            self.index = _ParallelIndex(plan.index_connections, self.report)
        try:
            with _batch_source(ctx, jobs, workers) as made:
                for job, batch in zip(jobs, made, strict=True):
                    last = ctx.number_base + job[1] + job[2]
                    self.write_batch(batch, tables, ids, counter.pk, last)
                    if progress is not None:
                        progress(job[2])
        finally:
            if self.index is not None:
                self.count("search documents", self.index.close())
        self.report.ticket_seconds = time.monotonic() - started

    def write_batch(
        self,
        batch: batches.Batch,
        tables: dict[str, _Table],
        ids: dict[str, int],
        counter_pk: int,
        last_number: int,
    ) -> None:
        article, tagging, attachment = ids["article"], ids["tagging"], ids["attachment"]
        timing = self.report.timing
        with transaction.atomic():
            with timing("insert tickets"):
                self.count("tickets", tables["tickets"].write(batch.tickets))
            with timing("insert articles"):
                rows = [(article + r[0], *r[1:]) for r in batch.articles]
                self.count("articles", tables["articles"].write(rows))
            with timing("insert taggings and attachments"):
                rows = [(tagging + r[0], *r[1:]) for r in batch.taggings]
                self.count("taggings", tables["taggings"].write(rows))
                rows = [
                    (attachment + r[0], r[1], article + r[2], *r[3:]) for r in batch.attachments
                ]
                self.count("attachments", tables["attachments"].write(rows))
            TicketCounter.objects.filter(pk=counter_pk).update(value=last_number)
            if self.index is None:
                with timing("search index"):
                    self.count("search documents", write_documents("ticket", batch.documents))
        if self.index is not None:
            self.index.submit(list(batch.documents))
        ids["article"] += len(batch.articles)
        ids["tagging"] += len(batch.taggings)
        ids["attachment"] += len(batch.attachments)


@contextmanager
def _batch_source(
    ctx: batches.Context, jobs: list[tuple[int, int, int, int]], workers: int
) -> Iterator[Iterator[batches.Batch]]:
    """The batches in order: made here, or by worker processes a few batches ahead."""
    if workers < 1 or len(jobs) < 2:
        batches.start_worker(ctx)
        yield (batches.make_batch(*job) for job in jobs)
        return
    # Forked workers never touch the database; they only make rows.
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=batches.start_worker,
        initargs=(ctx,),
    ) as pool:
        pending: deque[Future[batches.Batch]] = deque()
        queue = iter(jobs)

        def fill() -> None:
            while len(pending) < workers + 1:
                job = next(queue, None)
                if job is None:
                    return
                pending.append(pool.submit(batches.make_batch, *job))

        def made() -> Iterator[batches.Batch]:
            fill()
            while pending:
                batch = pending.popleft().result()
                fill()
                yield batch

        yield made()


def seed(
    plan: SeedPlan,
    *,
    progress: Callable[[int], None] | None = None,
    out: Callable[[str], None] = lambda line: None,
) -> SeedReport:
    """Load the dataset described by ``plan`` into an empty ticket database.

    Raises ``SeedError`` when tickets already exist (numbers and ids would mix with real
    ones). ``progress(0)`` is called when the tickets start and ``progress(n)`` after each
    batch of ``n`` tickets; ``out`` receives one line per phase.
    """
    if Ticket.objects.exists():
        raise SeedError(
            f"the database already holds {Ticket.objects.count():,} tickets; "
            "seed an empty database (another HELPLINE_DATA_DIR or DATABASE_URL)"
        )
    started = time.monotonic()
    seeder = _Seeder(plan, out)
    with _bulk_load():
        phase = time.monotonic()
        seeder.organizations()
        seeder.groups()
        seeder.users()
        seeder.tags()
        out(
            f"People and places: {plan.organizations:,} organizations, {plan.users:,} users, "
            f"{plan.groups:,} groups, {len(seeder.tag_ids):,} tags in "
            f"{time.monotonic() - phase:.1f} s"
        )
        if progress is not None:
            progress(0)  # the tickets start now
        # Largest index builds first: they start first when built in parallel.
        loaded = [SearchDocument, Article, Ticket, Tagging, Attachment]
        builders = 1 + plan.index_connections
        with _without_secondary_indexes(loaded, seeder.report, builders):
            seeder.tickets(progress, plan.workers)
        phase = time.monotonic()
        _finish()
        out(f"Statistics and sequences updated in {time.monotonic() - phase:.1f} s")
    refcache.changed()  # groups, categories and agents were written in bulk
    seeder.report.seconds = time.monotonic() - started
    return seeder.report


def _finish() -> None:
    """Move PostgreSQL's sequences past the ids given, and refresh planner statistics."""
    tables: list[type[models.Model]] = [
        Organization, Group, TicketCategory, User, User.roles.through, GroupMembership, Tag,
        Ticket, Article, Tagging, Attachment,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for sql in connection.ops.sequence_reset_sql(no_style(), tables):
                cursor.execute(sql)
            cursor.execute("ANALYZE")
        else:
            cursor.execute("PRAGMA analysis_limit = 2000")
            cursor.execute("ANALYZE")
