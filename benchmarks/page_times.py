"""CPU time of every page, in process, on a seeded database (``helpline bench seed``).

    HELPLINE_DATA_DIR=/path/to/seeded/data python benchmarks/page_times.py [--repeat 30]

Signs in as the benchmark administrator (``bench.admin``, made by ``helpline bench run``;
made here when missing), requests each page a few times to warm up, then ``--repeat``
times, and prints each page's queries and the median and worst CPU time of the request
thread (with SQLite that includes the database). Static files must be collected first
(``python -m django collectstatic --noinput --settings=helpline.settings``) as the pages
name them through the manifest.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

PAGES = [
    "/",
    "/tickets/",
    "/tickets/{ticket}/",
    "/tickets/new/",
    "/tickets/views/",
    "/tickets/?page=100",
    "/tickets/?q=printer",
    "/accounts/settings/",
    "/accounts/settings/tokens/",
    "/admin/",
    "/admin/users/",
    "/admin/users/{user}/",
    "/admin/users/new/",
    "/admin/settings/",
    "/admin/groups/",
    "/admin/groups/{group}/",
    "/admin/attributes/",
    "/admin/categories/",
    "/admin/states/",
    "/admin/priorities/",
    "/admin/calendars/",
    "/admin/slas/",
    "/admin/slas/new/",
    "/admin/forms/",
    "/admin/forms/new/",
    "/admin/mail/channels/",
    "/admin/mail/outbound/",
    "/admin/mail/failed/",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpline.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from helpline.bench.run import BENCH_EMAIL, BENCH_LOGIN
    from helpline.core.models import Group, User
    from helpline.core.services.users import create_or_update_admin
    from helpline.lib.actor import Actor
    from helpline.tickets.models import Ticket

    settings.ALLOWED_HOSTS = ["*"]
    admin = User.objects.filter(login=BENCH_LOGIN).first()
    if admin is None:
        admin = create_or_update_admin(
            Actor.system("bench"),
            login=BENCH_LOGIN,
            email=BENCH_EMAIL,
            password=os.urandom(16).hex(),
        ).user
    middle = Ticket.objects.order_by("pk").values_list("pk", flat=True)
    ids = {
        "ticket": middle[Ticket.objects.count() // 2],
        "user": User.objects.order_by("pk").values_list("pk", flat=True)[User.objects.count() // 2],
        "group": Group.objects.order_by("pk").values_list("pk", flat=True).first(),
    }
    client = Client()
    client.force_login(admin)
    print(f"{'page':34s} {'queries':>7s} {'p50 ms':>8s} {'max ms':>8s}")
    for pattern in PAGES:
        path = pattern.format(**ids)
        response = client.get(path)
        if response.status_code != 200:
            print(f"{path:34s} answered {response.status_code}")
            continue
        for _ in range(4):
            client.get(path)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        count = len(queries)  # now: the next request empties the log
        times = []
        for _ in range(args.repeat):
            started = time.thread_time()
            client.get(path)
            times.append((time.thread_time() - started) * 1000)
        print(f"{path:34s} {count:7d} {statistics.median(times):8.1f} {max(times):8.1f}")


if __name__ == "__main__":
    main()
