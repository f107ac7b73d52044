"""Every group gets its default category "General", made with it."""

from __future__ import annotations

import pytest
from django.db import transaction

from helpline.core.events import GroupCreated
from helpline.core.models import Group
from helpline.core.services.groups import create_group
from helpline.lib import events
from helpline.lib.actor import Actor
from helpline.testing.factories import UserFactory
from helpline.tickets.models import TicketCategory
from helpline.tickets.services import create_ticket, ensure_default_category

pytestmark = pytest.mark.django_db


def test_a_created_group_gets_general_in_the_same_transaction():
    admin = UserFactory(login="root1", roles=["Admin"])
    with transaction.atomic():
        group = Group.objects.create(name="Network")
        events.publish(GroupCreated(group_id=group.pk, actor_id=admin.pk))
        category = TicketCategory.objects.get(group=group)
    assert (category.name, category.is_default, category.created_by) == ("General", True, admin)


def test_a_failing_group_creation_leaves_no_category():
    def create_then_fail():
        with transaction.atomic():
            group = Group.objects.create(name="Doomed")
            events.publish(GroupCreated(group_id=group.pk, actor_id=None))
            raise RuntimeError("undo")

    with pytest.raises(RuntimeError):
        create_then_fail()
    assert not Group.objects.filter(name="Doomed").exists()
    assert not TicketCategory.objects.exists()


def test_ensure_default_category_is_idempotent_and_adopts_general():
    group = Group.objects.create(name="Old")
    general = TicketCategory.objects.create(group=group, name="general")
    assert ensure_default_category(group) == general
    assert TicketCategory.objects.get(pk=general.pk).is_default is True
    assert ensure_default_category(group) == general
    assert TicketCategory.objects.filter(group=group).count() == 1


def test_create_group_makes_general_and_tickets_file_into_it():
    admin = UserFactory(login="root2", roles=["Admin"])
    group = create_group(Actor.for_user(admin), name="Printers")
    general = TicketCategory.objects.get(group=group)
    assert (general.name, general.is_default, general.created_by) == ("General", True, admin)
    ticket = create_ticket(Actor.for_user(admin), title="Jam", body="tray 2", group="printers")
    assert ticket.category == general
