"""Tags on any object type, checked by the type's owner."""

from __future__ import annotations

import pytest

from helpline.core.models import HistoryEntry, Tag, Tagging
from helpline.core.services import tags
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid, NotFound, PermissionDenied
from helpline.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return Actor.for_user(UserFactory(login="tagger", roles=["Admin"]))


def test_add_list_remove(admin):
    assert tags.add_tag(admin, "Widget", 1, " Urgent ") is True
    assert tags.add_tag(admin, "Widget", 1, "urgent") is False
    assert tags.add_tag(admin, "Widget", 1, "vip") is True
    assert tags.add_tag(admin, "Widget", 3, "URGENT") is True
    assert tags.list_tags(admin, "Widget", 1) == ["Urgent", "vip"]
    assert tags.list_tags(admin, "Widget", 3) == ["Urgent"]
    assert Tag.objects.count() == 2
    assert tags.remove_tag(admin, "Widget", 1, "URGENT") is True
    assert tags.remove_tag(admin, "Widget", 1, "urgent") is False
    assert tags.list_tags(admin, "Widget", 1) == ["vip"]
    assert list(
        HistoryEntry.objects.filter(object_type="Widget", object_id=1).values_list(
            "kind", "attribute", "value_from", "value_to"
        )
    ) == [
        ("added", "tag", "", "Urgent"),
        ("added", "tag", "", "vip"),
        ("removed", "tag", "Urgent", ""),
    ]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", "tag.name_missing"),
        ("x" * 151, "tag.name_too_long"),
        ("a,b", "tag.name_invalid"),
        ("a\nb", "tag.name_invalid"),
    ],
)
def test_bad_names(admin, name, code):
    with pytest.raises(Invalid) as info:
        tags.add_tag(admin, "Widget", 1, name)
    assert (info.value.field, info.value.code) == ("item", code)
    assert not Tagging.objects.exists()


def test_access_is_the_object_types_rule():
    agent = Actor.for_user(UserFactory(login="agent9", roles=["Agent"]))
    with pytest.raises(PermissionDenied):
        tags.add_tag(agent, "Widget", 1, "x")
    with pytest.raises(NotFound):
        tags.add_tag(agent, "Widget", 2, "x")
    with pytest.raises(NotFound) as info:
        tags.add_tag(agent, "Gadget", 1, "x")
    assert info.value.code == "object.type_unknown"
    assert not Tagging.objects.exists()


def test_search_for_completion(admin):
    for name in ("printer", "Print queue", "network"):
        tags.add_tag(admin, "Widget", 1, name)
    assert tags.search_tags(admin, "PRI") == ["Print queue", "printer"]
    with pytest.raises(PermissionDenied):
        tags.search_tags(Actor.for_user(UserFactory(login="cust9", roles=["Customer"])), "p")


def test_copy_and_delete_taggings(admin):
    tags.add_tag(admin, "Widget", 1, "a")
    tags.add_tag(admin, "Widget", 1, "b")
    tags.add_tag(admin, "Widget", 3, "b")
    assert tags.copy_taggings(admin, "Widget", 1, 3) == ["a"]
    assert tags.list_tags(admin, "Widget", 3) == ["b", "a"]
    assert tags.delete_taggings("Widget", 1) == 2
    assert tags.list_tags(admin, "Widget", 1) == []
