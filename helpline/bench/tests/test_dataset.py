"""The benchmark dataset generator, in-process on a small plan."""

from __future__ import annotations

import hashlib

import pytest

from helpline.bench.dataset import SeedError, SeedPlan, seed
from helpline.core.models import Attachment, Group, Organization, Tagging, User
from helpline.lib.actor import Actor
from helpline.search.backends import backend
from helpline.search.models import SearchDocument
from helpline.search.selectors import search_tickets
from helpline.search.services.index import rebuild_index
from helpline.tickets.models import Article, Ticket, TicketCategory, TicketCounter

SMALL = SeedPlan(tickets=45, users=60, organizations=8, groups=4, tags=20, seed=7, batch=10)


def fingerprint() -> str:
    """The dataset's content, without ids."""
    digest = hashlib.sha256()
    for row in Ticket.objects.order_by("number").values_list(
        "number", "title", "customer__login", "group__name", "state__name", "created_at"
    ):
        digest.update(repr(row).encode())
    for row in Article.objects.order_by("ticket__number", "id").values_list(
        "ticket__number", "body", "internal", "content_type"
    ):
        digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("index_connections", [2, 0])
def test_a_seed_fills_every_table_consistently(index_connections):
    # On PostgreSQL, 2 writes the search documents from other connections, 0 from the one
    # writing the rows; SQLite always writes them from that one.
    report = seed(SeedPlan(**{**SMALL.__dict__, "index_connections": index_connections}))
    counts = report.counts
    assert counts["tickets"] == Ticket.objects.count() == 45
    assert counts["articles"] == Article.objects.count()
    assert 3 <= counts["articles"] / counts["tickets"] <= 7
    assert counts["users"] == User.objects.count() == 60
    assert counts["organizations"] == Organization.objects.count() == 8
    assert counts["groups"] == Group.objects.count() == 4
    assert counts["categories"] == TicketCategory.objects.count() == 12
    assert TicketCategory.objects.filter(is_default=True, name="General").count() == 4
    assert counts["taggings"] == Tagging.objects.filter(object_type="Ticket").count()
    assert counts["attachments"] == Attachment.objects.filter(object_type="Article").count()
    assert counts["search documents"] == SearchDocument.objects.count() == 45
    assert TicketCounter.objects.get(name="ticket").value == 45
    assert sorted(Ticket.objects.values_list("number", flat=True), key=int) == [
        str(n) for n in range(1, 46)
    ]
    mismatched = [t.pk for t in Ticket.objects.all() if t.category.group_id != t.group_id] + [
        t.pk for t in Ticket.objects.all() if t.articles.count() != t.article_count
    ]
    assert mismatched == []
    # What the seed indexed is what a rebuild writes.
    seeded = backend().dump("ticket")
    rebuild_index(Actor.system())
    assert backend().dump("ticket") == seeded
    title = Ticket.objects.order_by("id").first().title
    page, total = search_tickets(Ticket.objects.all(), f'title:"{title}"', limit=50)
    assert total >= 1
    assert all(title.lower() in t.title.lower() for t in page)


@pytest.mark.django_db(transaction=True)
def test_the_same_seed_gives_the_same_data_with_or_without_workers():
    seed(SMALL)
    first = fingerprint()
    for model in (Attachment, Tagging, SearchDocument, Article, Ticket):
        model.objects.all().delete()
    User.objects.filter(login__contains=".").delete()
    Group.objects.all().delete()
    Organization.objects.all().delete()
    TicketCounter.objects.update(value=0)
    seed(SeedPlan(**{**SMALL.__dict__, "workers": 0}))
    assert fingerprint() == first


@pytest.mark.django_db(transaction=True)
def test_refuses_a_database_with_tickets():
    seed(SeedPlan(tickets=3, users=5, organizations=2, groups=2, tags=5))
    with pytest.raises(SeedError) as err:
        seed(SMALL)
    assert str(err.value) == (
        "the database already holds 3 tickets; seed an empty database "
        "(another HELPLINE_DATA_DIR or DATABASE_URL)"
    )
