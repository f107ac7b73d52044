"""``helpline bench run``: latency and throughput of a production-like server over loopback.

The server is ``helpline serve`` itself (same code, same settings, DEBUG off) on a free
loopback port, against the configured database, which must hold a seeded dataset. Before
it starts, a benchmark administrator (``bench.admin``) is made or updated through the
core services, with an API token for the API calls and a password for a page session.
Two settings differ from a default install, both only for the server started here:
``HELPLINE_BENCH_FLOOR=1`` turns on the hello-world floor view (``/bench/floor/``), and the
API rate limit is raised so that counting still happens but never refuses.

Each scenario runs, at each concurrency, a warm-up and then a bounded number of requests
(also bounded in time) from client threads, each with its own keep-alive
``http.client`` connection. Floors measured in the same run: the hello-world view, the raw
database insert rate (one row per transaction into a scratch table) and the full-text
query the search backend runs, straight on the database.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

BENCH_LOGIN = "bench.admin"
BENCH_EMAIL = "bench.admin@bench.example"
FLOOR_PATH = "/bench/floor/"
PAGE_SIZE = 25


class RunError(Exception):
    """The benchmark cannot run (no data, the server did not start, a request failed)."""


@dataclass(frozen=True)
class RunPlan:
    concurrency: tuple[int, ...] = (1, 8)
    requests: int = 200  # measured requests per scenario and concurrency
    warmup: int = 20  # requests per scenario and concurrency before measuring
    max_seconds: float = 60.0  # stop issuing a scenario's requests after this long
    web_workers: int = 0  # 0: what `helpline serve` chooses
    common_word: str = "printer"
    rare_word: str = "ERR4521"
    field_query: str = "state:open"
    db_inserts: int = 2000  # rows per concurrency for the raw insert floor
    long_articles: int = 5000  # articles of the long ticket shown (0: no such scenarios)
    only: tuple[str, ...] = ()  # scenario names to run (the floor always runs); () = all


SCENARIO_NAMES = (
    "create_api", "list_api", "list_page", "show_api", "articles_api", "show_page",
    "search_common", "search_rare", "search_field", "home_page", "show_long_page",
    "articles_long_api", "articles_long_api_page",
)  # fmt: skip


@dataclass
class Stats:
    requests: int
    errors: int
    seconds: float
    p50: float
    p95: float
    p99: float
    mean: float
    max: float
    throughput: float
    # From the server's Server-Timing header: time in Django and the request's CPU time
    server: tuple[float, float] = (0.0, 0.0)  # p50, p95 seconds
    cpu: tuple[float, float] = (0.0, 0.0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "server_p50_ms": round(self.server[0] * 1000, 3),
            "server_p95_ms": round(self.server[1] * 1000, 3),
            "cpu_p50_ms": round(self.cpu[0] * 1000, 3),
            "cpu_p95_ms": round(self.cpu[1] * 1000, 3),
            "requests": self.requests,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
            "p50_ms": round(self.p50 * 1000, 3),
            "p95_ms": round(self.p95 * 1000, 3),
            "p99_ms": round(self.p99 * 1000, 3),
            "mean_ms": round(self.mean * 1000, 3),
            "max_ms": round(self.max * 1000, 3),
            "throughput_per_s": round(self.throughput, 2),
        }


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), round(pct / 100 * len(sorted_values) + 0.4999)))
    return sorted_values[rank - 1]


def summarize(
    latencies: list[float],
    errors: int,
    seconds: float,
    timings: list[tuple[float, float]] | None = None,
) -> Stats:
    values = sorted(latencies)
    n = len(values)
    server = sorted(t[0] for t in timings or [])
    cpu = sorted(t[1] for t in timings or [])
    return Stats(
        server=(percentile(server, 50), percentile(server, 95)),
        cpu=(percentile(cpu, 50), percentile(cpu, 95)),
        requests=n,
        errors=errors,
        seconds=seconds,
        p50=percentile(values, 50),
        p95=percentile(values, 95),
        p99=percentile(values, 99),
        mean=sum(values) / n if n else 0.0,
        max=values[-1] if values else 0.0,
        throughput=n / seconds if seconds > 0 else 0.0,
    )


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


# -- the server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class MemorySampler:
    """Samples the resident memory of the server's process tree twice a second: all of it
    (supervisor, gunicorn master and web workers, job worker) and the web part alone."""

    def __init__(self, root: int, interval: float = 0.5):
        self.root = root
        self.interval = interval
        self.samples: list[tuple[int, int, int]] = []  # (total, web, processes)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="rss", daemon=True)

    def sample(self) -> tuple[int, int, int]:
        tree = _children()
        total = web = count = 0
        todo = [self.root]
        while todo:
            pid = todo.pop()
            rss = _rss(pid)
            total += rss
            count += 1
            if "gunicorn" in _cmdline(pid):
                web += rss
            todo.extend(tree.get(pid, []))
        return total, web, count

    def _run(self) -> None:
        while not self.stop.is_set():
            self.samples.append(self.sample())
            self.stop.wait(self.interval)

    def start(self) -> None:
        self.thread.start()

    def finish(self) -> dict[str, Any]:
        self.stop.set()
        self.thread.join()
        if not self.samples:
            return {}
        totals = [s[0] for s in self.samples]
        webs = [s[1] for s in self.samples]
        return {
            "peak_bytes": max(totals),
            "mean_bytes": int(sum(totals) / len(totals)),
            "peak_web_bytes": max(webs),
            "processes": max(s[2] for s in self.samples),
            "samples": len(self.samples),
        }


class Server:
    """``helpline serve`` on a free loopback port, in its own process group."""

    def __init__(self, web_workers: int, log: Path):
        self.port = free_port()
        self.log_path = log
        env = dict(os.environ)
        env["HELPLINE_BENCH_FLOOR"] = "1"
        env["HELPLINE_API_RATE_LIMIT"] = "1000000000"
        env.pop("HELPLINE_TESTING", None)
        env.pop("HELPLINE_ADMIN_PASSWORD", None)
        argv = [sys.executable, "-m", "helpline", "serve", "--host", "127.0.0.1",
                "--port", str(self.port)]  # fmt: skip
        if web_workers:
            argv += ["--workers", str(web_workers)]
        self.argv = argv
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            argv, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_healthy(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RunError(
                    f"the server stopped with exit code {self.proc.returncode}; see {self.log_path}"
                )
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            except OSError:
                pass
            time.sleep(0.3)
        raise RunError(f"the server did not answer /healthz within {timeout:.0f} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


# -- the client ----------------------------------------------------------------------------

Request = tuple[str, str, bytes | None]  # method, path, body


@dataclass
class Client:
    port: int
    headers: dict[str, str] = field(default_factory=dict)

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)


@dataclass(frozen=True)
class Scenario:
    name: str
    label: str
    kind: str  # "api" or "page"
    make: Callable[[int], Request]
    expect: int = 200
    floor: str = "hello"  # which floor its ratio refers to


def _send(
    conn: http.client.HTTPConnection, headers: dict[str, str], request: Request
) -> tuple[int, bytes, tuple[float, float] | None]:
    """Status, body and the server's own (app, cpu) seconds from ``Server-Timing``."""
    method, path, body = request
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read(), server_timing(response.getheader("Server-Timing"))


def server_timing(header: str | None) -> tuple[float, float] | None:
    """``app;dur=12.5, cpu;dur=9.1`` → (0.0125, 0.0091); None when absent or unreadable."""
    found: dict[str, float] = {}
    for part in (header or "").split(","):
        name, _, rest = part.strip().partition(";")
        if rest.startswith("dur="):
            try:
                found[name] = float(rest[4:]) / 1000
            except ValueError:
                return None
    if "app" not in found or "cpu" not in found:
        return None
    return found["app"], found["cpu"]


def drive(
    client: Client, scenario: Scenario, concurrency: int, count: int, max_seconds: float, start: int
) -> tuple[Stats, str]:
    """``count`` requests (fewer if ``max_seconds`` runs out) from ``concurrency`` threads;
    the statistics and the first unexpected answer, if any."""
    lock = threading.Lock()
    issued = [0]
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    timings: list[list[tuple[float, float]]] = [[] for _ in range(concurrency)]
    errors = [0]
    first_error = [""]
    ready = threading.Barrier(concurrency + 1)
    deadline = [0.0]

    def worker(slot: int) -> None:
        conn = client.connect()
        mine = latencies[slot]
        ready.wait()
        while True:
            with lock:
                if issued[0] >= count or time.perf_counter() > deadline[0]:
                    break
                i = start + issued[0]
                issued[0] += 1
            request = scenario.make(i)
            began = time.perf_counter()
            timing = None
            try:
                status, body, timing = _send(conn, client.headers, request)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = client.connect()
                status, body = -1, str(exc).encode()
            elapsed = time.perf_counter() - began
            if status == scenario.expect:
                mine.append(elapsed)
                if timing is not None:
                    timings[slot].append(timing)
            else:
                with lock:
                    errors[0] += 1
                    if not first_error[0]:
                        first_error[0] = (
                            f"{request[0]} {request[1]} answered {status}: "
                            f"{body[:300].decode(errors='replace')}"
                        )
        conn.close()

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(concurrency)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + max_seconds
    ready.wait()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    merged = [x for part in latencies for x in part]
    served = [x for part in timings for x in part]
    return summarize(merged, errors[0], seconds, served), first_error[0]


# -- preparing the data --------------------------------------------------------------------


@dataclass
class Fixture:
    token: str
    password: str
    tickets: int
    articles: int
    show_ids: list[int]
    group_id: int
    customer_ids: list[int]
    database: str
    admin_id: int = 0
    long_id: int = 0  # the ticket with ``RunPlan.long_articles`` articles


def prepare(show_sample: int = 100) -> Fixture:
    """The benchmark administrator, an API token, and the rows the scenarios use."""
    from django.db.models import Max, Min

    from helpline.cli import describe_database
    from helpline.core.models import Group, Role, User
    from helpline.core.services.tokens import create_token
    from helpline.core.services.users import create_or_update_admin
    from helpline.lib.actor import Actor
    from helpline.tickets.models import Article, Ticket

    top = Ticket.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if top["high"] is None:
        raise RunError(
            f"the {describe_database()} holds no tickets; load a dataset first with "
            "`helpline bench seed --tickets N`"
        )
    password = secrets.token_urlsafe(16)
    admin = create_or_update_admin(
        Actor.system("bench"), login=BENCH_LOGIN, email=BENCH_EMAIL, password=password
    ).user
    actor = Actor.for_user(admin, via="bench")
    issued = create_token(
        actor,
        label=f"bench run {datetime.now(UTC):%Y-%m-%d %H:%M:%S}",
        permissions=[p for p in ("admin", "ticket.agent") if actor.has(p)],
    )
    # Tickets spread evenly over the id range, each shown in turn.
    low, high = int(top["low"]), int(top["high"])
    step = max(1, (high - low) // show_sample)
    wanted = list(range(low, high + 1, step))[:show_sample]
    show_ids = sorted(Ticket.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if not show_ids:
        show_ids = [high]
    group = Group.objects.order_by("pk").first()
    customer_role = Role.objects.filter(name="Customer").first()
    customers = User.objects.filter(active=True)
    if customer_role is not None:
        customers = customers.filter(roles=customer_role)
    customer_ids = list(customers.order_by("pk").values_list("pk", flat=True)[:500])
    if group is None or not customer_ids:
        raise RunError(
            "the dataset has no group or no customer; seed it with `helpline bench seed`"
        )
    return Fixture(
        token=issued.plaintext,
        password=password,
        tickets=Ticket.objects.count(),
        articles=Article.objects.count(),
        show_ids=show_ids,
        group_id=group.pk,
        customer_ids=customer_ids,
        database=describe_database(),
        admin_id=admin.pk,
    )


def page_session(port: int, login: str, password: str) -> str:
    """Log in through the login form; the Cookie header of the session."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    html = response.read().decode()
    cookies = _cookies(response)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if response.status != 200 or match is None or "csrftoken" not in cookies:
        raise RunError(f"the login page answered {response.status} without a CSRF token")
    body = urlencode(
        {"csrfmiddlewaretoken": match.group(1), "username": login, "password": password}
    ).encode()
    conn.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Referer": f"http://127.0.0.1:{port}/accounts/login/",
        },
    )
    response = conn.getresponse()
    response.read()
    cookies.update(_cookies(response))
    conn.close()
    if response.status != 302 or "sessionid" not in cookies:
        raise RunError(f"logging in as {login} failed (the login form answered {response.status})")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def long_ticket(client: Client, fixture: Fixture, articles: int) -> int:
    """A ticket with ``articles`` articles: made through the API with its first one, the
    rest written in bulk (a benchmark fixture, not a door). Reused by later runs."""
    from django.db import connection

    from helpline.tickets.models import Article, Ticket

    title = f"Benchmark: a ticket with {articles:,} articles"
    found = Ticket.objects.filter(title=title).values_list("pk", flat=True).first()
    if found is not None and Article.objects.filter(ticket_id=found).count() >= articles:
        return int(found)
    conn = client.connect()
    body = {
        "title": title,
        "group_id": fixture.group_id,
        "customer_id": fixture.customer_ids[0],
        "article": {"subject": title, "body": "The first article.", "type": "note"},
    }
    status, answer, _timing = _send(
        conn, client.headers, ("POST", "/api/v1/tickets", json.dumps(body).encode())
    )
    conn.close()
    if status != 200:
        raise RunError(f"creating the long ticket answered {status}: {answer[:300]!r}")
    ticket_id = int(json.loads(answer)["id"])
    first = Article.objects.filter(ticket_id=ticket_id).order_by("pk").first()
    if first is None:
        raise RunError("the long ticket has no first article")
    rows = []
    for i in range(1, articles):
        rows.append(
            Article(
                ticket_id=ticket_id,
                type_id=first.type_id,
                sender_id=first.sender_id,
                internal=i % 7 == 0,
                subject=f"Re: {title}",
                content_type="text/plain",
                body=f"Reply {i}: " + "we looked at the printer again and it still jams. " * 6,
                created_by_id=fixture.admin_id,
                updated_by_id=fixture.admin_id,
            )
        )
    Article.objects.bulk_create(rows, batch_size=500)
    Ticket.objects.filter(pk=ticket_id).update(article_count=articles)
    connection.close()
    return ticket_id


# -- the floors measured on the database directly ------------------------------------------


SCRATCH = "bench_scratch"


def db_insert_floor(concurrency: int, rows: int, max_seconds: float = 30.0) -> dict[str, Any]:
    """Rows per second, one row (about 1 KB) per transaction, from ``concurrency`` threads
    each with its own connection, into a scratch table dropped afterwards."""
    from django.db import connection, connections

    body = "x" * 1000
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        cursor.execute(f"CREATE TABLE {SCRATCH} (id integer PRIMARY KEY, body text NOT NULL)")
    counter = [0]
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            from django.db import transaction

            mine: list[float] = []
            while True:
                with lock:
                    if counter[0] >= rows or time.perf_counter() - began > max_seconds:
                        break
                    counter[0] += 1
                    pk = counter[0]
                started = time.perf_counter()
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(f"INSERT INTO {SCRATCH} (id, body) VALUES (%s, %s)", [pk, body])  # noqa: S608
                mine.append(time.perf_counter() - started)
            with lock:
                latencies.extend(mine)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()  # read by the workers
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {SCRATCH}")
    if errors:
        raise RunError(f"the raw insert floor failed: {errors[0]}")
    return summarize(latencies, 0, seconds).as_dict()


def fts_floor(word: str, repeat: int, max_seconds: float = 60.0) -> dict[str, Any]:
    """The search backend's own full-text statement for ``word`` (best 25 of all
    documents, internal notes included), run straight on the database."""
    from django.db import connection

    from helpline.lib.clock import now
    from helpline.search import compile as compiler
    from helpline.search import registry
    from helpline.search.backends import backend
    from helpline.search.query import parse

    spec = registry.get("ticket")
    engine = backend()
    plan = compiler.plan(
        parse(word, spec.field_types, spec.aliases), spec, engine, internal=True, moment=now()
    )
    if plan.rank is None:
        raise RunError(f"{word!r} is not a full-text query")
    sql, params = engine.scored("ticket", plan.rank, True)
    bound: list[Any] = list(params)
    statement = f"SELECT m.object_id FROM ({sql}) m ORDER BY m.score DESC LIMIT {PAGE_SIZE}"  # noqa: S608
    latencies: list[float] = []
    hits = 0
    began = time.perf_counter()
    with connection.cursor() as cursor:
        for _ in range(repeat):
            if latencies and time.perf_counter() - began > max_seconds:
                break
            started = time.perf_counter()
            cursor.execute(statement, bound)
            hits = len(cursor.fetchall())
            latencies.append(time.perf_counter() - started)
    result = summarize(latencies, 0, time.perf_counter() - began).as_dict()
    result["rows"] = hits
    return result


# -- the run -------------------------------------------------------------------------------


def create_body(label: str, fixture: Fixture, i: int) -> dict[str, Any]:
    """The ``POST /api/v1/tickets`` body of the create scenario (also
    ``benchmarks/create_times.py``): a group, the i-th customer and a first article."""
    customers = fixture.customer_ids
    return {
        "title": f"{label}: the printer on floor 3 is jammed",
        "group_id": fixture.group_id,
        "customer_id": customers[i % len(customers)],
        "article": {
            "subject": "Printer jammed",
            "body": "The printer on floor 3 jams on every second page since this "
            "morning. We already restarted it twice. Error ERR4521 on its display.",
            "type": "note",
            "internal": False,
        },
    }


def scenarios(fixture: Fixture, plan: RunPlan) -> list[Scenario]:
    ids = fixture.show_ids
    tag = secrets.token_hex(3)

    def create(i: int) -> Request:
        body = create_body(f"Benchmark ticket {tag}-{i}", fixture, i)
        return "POST", "/api/v1/tickets", json.dumps(body).encode()

    def get(path: str) -> Callable[[int], Request]:
        return lambda i: ("GET", path, None)

    def search(query: str) -> Callable[[int], Request]:
        return get(f"/api/v1/tickets/search?query={quote(query)}&limit={PAGE_SIZE}")

    return [
        Scenario("floor", "hello-world view (floor)", "floor", get(FLOOR_PATH)),
        Scenario("create_api", "create ticket (API)", "api", create, floor="insert"),
        Scenario(
            "list_api",
            "list tickets, page 1 (API)",
            "api",
            get(f"/api/v1/tickets?page=1&per_page={PAGE_SIZE}"),
        ),
        Scenario("list_page", "list tickets, page 1 (page)", "page", get("/tickets/")),
        Scenario(
            "show_api",
            "show ticket (API, expand)",
            "api",
            lambda i: ("GET", f"/api/v1/tickets/{ids[i % len(ids)]}?expand=true", None),
        ),
        Scenario(
            "articles_api",
            "ticket articles (API by_ticket)",
            "api",
            lambda i: ("GET", f"/api/v1/ticket_articles/by_ticket/{ids[i % len(ids)]}", None),
        ),
        Scenario(
            "show_page",
            "show ticket with articles (page)",
            "page",
            lambda i: ("GET", f"/tickets/{ids[i % len(ids)]}/", None),
        ),
        Scenario(
            "search_common",
            f"search common word {plan.common_word!r} (API)",
            "api",
            search(plan.common_word),
            floor="fts_common",
        ),
        Scenario(
            "search_rare",
            f"search rare word {plan.rare_word!r} (API)",
            "api",
            search(plan.rare_word),
            floor="fts_rare",
        ),
        Scenario(
            "search_field", f"search {plan.field_query!r} (API)", "api", search(plan.field_query)
        ),
        Scenario("home_page", "home page", "page", get("/")),
    ] + (
        [
            Scenario(
                "show_long_page",
                f"show ticket with {plan.long_articles:,} articles (page)",
                "page",
                get(f"/tickets/{fixture.long_id}/"),
            ),
            Scenario(
                "articles_long_api",
                f"ticket articles, {plan.long_articles:,} articles (API by_ticket)",
                "api",
                get(f"/api/v1/ticket_articles/by_ticket/{fixture.long_id}"),
            ),
            Scenario(
                "articles_long_api_page",
                f"ticket articles, {plan.long_articles:,} articles, 50 a page (API by_ticket)",
                "api",
                get(f"/api/v1/ticket_articles/by_ticket/{fixture.long_id}?page=1&per_page=50"),
            ),
        ]
        if fixture.long_id
        else []
    )


def run(plan: RunPlan, out: Callable[[str], None], log_dir: Path) -> dict[str, Any]:
    """Start the server, measure every scenario and floor; the results (see ``render``)."""
    from django.db import connection

    fixture = prepare()
    out(
        f"Benchmarking the {fixture.database}: {fixture.tickets:,} tickets, "
        f"{fixture.articles:,} articles."
    )
    started_at = datetime.now(UTC)
    loads = {"start": load_average()}
    # Floors on the database first, before the server competes for it.
    raw: dict[str, Any] = {"insert": {}, "fts": {}}
    for c in plan.concurrency:
        raw["insert"][str(c)] = db_insert_floor(c, plan.db_inserts, plan.max_seconds / 2)
        rate = raw["insert"][str(c)]["throughput_per_s"]
        out(f"raw insert floor, {c} connection(s): {rate:,.0f} rows/s")
    for name, word in (("fts_common", plan.common_word), ("fts_rare", plan.rare_word)):
        fts_floor(word, 3, plan.max_seconds / 4)  # warm the cache
        raw["fts"][name] = fts_floor(word, max(5, min(50, plan.requests)), plan.max_seconds / 2)
        raw["fts"][name]["query"] = word
        out(f"raw full-text floor {word!r}: p50 {raw['fts'][name]['p50_ms']:.1f} ms")
    connection.close()

    server = Server(plan.web_workers, log_dir / "bench-server.log")
    results: list[dict[str, Any]] = []
    memory = None
    try:
        server.wait_healthy()
        memory = MemorySampler(server.proc.pid)
        memory.start()
        cookie = page_session(server.port, BENCH_LOGIN, fixture.password)
        api = Client(
            server.port,
            {
                "Authorization": f"Bearer {fixture.token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        page = Client(server.port, {"Cookie": cookie})
        long_wanted = not plan.only or any("_long_" in name for name in plan.only)
        if plan.long_articles > 1 and long_wanted:
            fixture.long_id = long_ticket(api, fixture, plan.long_articles)
            out(f"Long ticket: {fixture.long_id} with {plan.long_articles:,} articles.")
        floor = Client(server.port, {})
        clients = {"api": api, "page": page, "floor": floor}
        serial = 0
        for c in plan.concurrency:
            loads[f"c{c}_start"] = load_average()
            for scenario in scenarios(fixture, plan):
                if plan.only and scenario.name not in plan.only and scenario.name != "floor":
                    continue
                client = clients[scenario.kind]
                warm, error = drive(client, scenario, c, plan.warmup, plan.max_seconds, serial)
                serial += warm.requests + warm.errors
                if error:
                    raise RunError(f"{scenario.label}: {error}")
                stats, error = drive(client, scenario, c, plan.requests, plan.max_seconds, serial)
                serial += stats.requests + stats.errors
                if error:
                    raise RunError(f"{scenario.label}: {error}")
                row = {"scenario": scenario.name, "label": scenario.label,
                       "concurrency": c, "floor": scenario.floor, **stats.as_dict()}  # fmt: skip
                results.append(row)
                out(
                    f"c={c:<3} {scenario.label:<42} p50 {row['p50_ms']:8.1f} ms  "
                    f"p95 {row['p95_ms']:8.1f} ms  p99 {row['p99_ms']:8.1f} ms  "
                    f"{row['throughput_per_s']:8.1f}/s  ({row['requests']} requests)"
                )
            loads[f"c{c}_end"] = load_average()
    finally:
        rss = memory.finish() if memory is not None else {}
        server.stop()
    _add_ratios(results, raw)
    return {
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": fixture.database,
        "vendor": connection.vendor,
        "tickets": fixture.tickets,
        "articles": fixture.articles,
        "cpus": os.cpu_count(),
        "load_average": loads,
        "plan": {
            "concurrency": list(plan.concurrency),
            "requests": plan.requests,
            "warmup": plan.warmup,
            "max_seconds": plan.max_seconds,
            "page_size": PAGE_SIZE,
            "long_articles": plan.long_articles,
            "db_inserts": plan.db_inserts,
        },
        "server": {"command": " ".join(server.argv[1:]), "rss": rss},
        "floors": raw,
        "results": results,
    }


def _add_ratios(results: list[dict[str, Any]], raw: dict[str, Any]) -> None:
    """Each figure next to its floor: the hello-world view at the same concurrency (latency
    and throughput), the raw insert rate for creating, the raw FTS query for word searches."""
    hello = {r["concurrency"]: r for r in results if r["scenario"] == "floor"}
    for row in results:
        c = row["concurrency"]
        base = hello.get(c)
        if row["scenario"] == "floor" or base is None:
            continue
        row["p50_x_floor"] = _ratio(row["p50_ms"], base["p50_ms"])
        row["p95_x_floor"] = _ratio(row["p95_ms"], base["p95_ms"])
        row["throughput_share_of_floor"] = _ratio(row["throughput_per_s"], base["throughput_per_s"])
        if row["floor"] == "insert":
            insert = raw["insert"].get(str(c))
            if insert:
                row["throughput_share_of_raw_insert"] = _ratio(
                    row["throughput_per_s"], insert["throughput_per_s"]
                )
        elif row["floor"] in raw["fts"]:
            row["p50_x_raw_fts"] = _ratio(row["p50_ms"], raw["fts"][row["floor"]]["p50_ms"])


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def render_markdown(report: dict[str, Any]) -> str:
    """The results as a markdown table, floors first."""
    rss = report["server"].get("rss") or {}
    lines = [
        f"Benchmark of the {report['database']}: {report['tickets']:,} tickets, "
        f"{report['articles']:,} articles; {report['started_at']} to {report['finished_at']}; "
        f"{report['cpus']} CPUs, load average "
        + ", ".join(f"{k} {v[0]}" for k, v in report["load_average"].items() if v)
        + ".",
        "",
        f"Server: `{report['server']['command']}`; resident memory of the whole server "
        f"(supervisor, web master and workers, job worker): peak "
        f"{rss.get('peak_bytes', 0) / 2**20:,.0f} MiB, "
        f"mean {rss.get('mean_bytes', 0) / 2**20:,.0f} MiB "
        f"(web processes alone: peak {rss.get('peak_web_bytes', 0) / 2**20:,.0f} MiB).",
        "",
        "Latency is what the client waited; server and CPU are the server's own "
        "`Server-Timing` figures (time in Django; the request thread's CPU time, which with "
        "SQLite includes the database and excludes waiting for a busy machine's cores).",
        "",
        "| scenario | concurrency | requests | p50 ms | p95 ms | p99 ms | per second | "
        "server p50 / p95 ms | CPU p50 / p95 ms | "
        "p50 x floor | p95 x floor | share of floor's rate | vs raw database |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    floors = report["floors"]
    for c, row in floors["insert"].items():
        lines.append(
            f"| floor: raw insert, 1 row per transaction | {c} | {row['requests']} | "
            f"{row['p50_ms']:.2f} | {row['p95_ms']:.2f} | {row['p99_ms']:.2f} | "
            f"{row['throughput_per_s']:,.0f} | | | | | | |"
        )
    for row in floors["fts"].values():
        lines.append(
            f"| floor: raw full-text query {row['query']!r} (best {PAGE_SIZE}) | 1 | "
            f"{row['requests']} | {row['p50_ms']:.2f} | {row['p95_ms']:.2f} | "
            f"{row['p99_ms']:.2f} | {row['throughput_per_s']:,.0f} | | | | | | |"
        )
    for row in report["results"]:
        raw = ""
        if "throughput_share_of_raw_insert" in row:
            raw = f"{_pct(row['throughput_share_of_raw_insert'])} of the raw insert rate"
        elif "p50_x_raw_fts" in row:
            raw = f"p50 {_fmt(row['p50_x_raw_fts'])} x raw query"
        lines.append(
            f"| {row['label']} | {row['concurrency']} | {row['requests']} | "
            f"{row['p50_ms']:.2f} | {row['p95_ms']:.2f} | {row['p99_ms']:.2f} | "
            f"{row['throughput_per_s']:,.1f} | "
            f"{row.get('server_p50_ms', 0):.1f} / {row.get('server_p95_ms', 0):.1f} | "
            f"{row.get('cpu_p50_ms', 0):.1f} / {row.get('cpu_p95_ms', 0):.1f} | "
            f"{_fmt(row.get('p50_x_floor'))} | "
            f"{_fmt(row.get('p95_x_floor'))} | {_pct(row.get('throughput_share_of_floor'))} | "
            f"{raw} |"
        )
    return "\n".join(lines) + "\n"


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f} %"
