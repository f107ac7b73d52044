"""``FastSelect`` writes the same ``<select>`` as Django's template-rendered ``Select``:
attributes, selection, option groups and escaping."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy

from helpline.lib.pages import Choices, FastSelect, StyledForm, check_options

CHOICES = [
    ("", "—"),
    (1, 'Tom & "Jerry"'),
    (2, "<script>alert(1)</script>"),
    ("Hardware", [(3, "Printers"), (4, "Screens <b>")]),
    (5, gettext_lazy("Nobody")),
    (1, "Duplicate of one"),
]


class Tree(HTMLParser):
    """The elements and attributes of a fragment, and its text, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[str, object]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items.append((tag, sorted((k, v or "") for k, v in attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.items.append(("/" + tag, None))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.items.append(("text", data.strip()))


def parsed(html: str) -> list[tuple[str, object]]:
    tree = Tree()
    tree.feed(html)
    return tree.items


@pytest.mark.parametrize("value", [None, "", 1, "2", 4, 99])
def test_same_markup_as_djangos_select(value):
    attrs = {"id": "id_owner", "class": "form-select", "required": True, "disabled": False}
    ours = FastSelect(choices=CHOICES).render("owner", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("owner", value, attrs=attrs)
    assert parsed(ours) == parsed(django)


def test_labels_and_values_are_escaped():
    html = FastSelect(choices=[('"><script>x()</script>', "<img src=x onerror=alert(1)>")]).render(
        "q", None
    )
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_styled_forms_use_it_for_plain_selects_only():
    class Sample(StyledForm):
        one = forms.TypedChoiceField(choices=[(1, "a")], coerce=int)
        many = forms.MultipleChoiceField(choices=[(1, "a")])
        yes = forms.NullBooleanField()

    form = Sample(data={"one": "1"})
    assert type(form.fields["one"].widget) is FastSelect
    assert type(form.fields["many"].widget) is forms.SelectMultiple
    assert type(form.fields["yes"].widget) is forms.NullBooleanSelect
    form.fields["one"].choices = [(7, "seven")]  # a view setting choices reaches the widget
    assert '<option value="7">seven</option>' in str(form["one"])
    assert 'class="form-select is-invalid"' in str(form["one"])  # styled, with its error
    assert form.is_valid() is False  # 1 is no longer a choice


class Pick(StyledForm):
    owner = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)


def test_ready_made_choices_validate_and_render_as_a_plain_list():
    pairs = [("", "—"), (1, "Ann <admin>"), (2, "Bob")]
    plain, ready = Pick({"owner": "2"}), Pick({"owner": "2"})
    plain.fields["owner"].choices = pairs
    ready.fields["owner"].choices = Choices(pairs)
    assert ready.fields["owner"].widget.choices is ready.fields["owner"].choices  # not copied
    assert ready.is_valid()
    assert ready.cleaned_data == {"owner": 2}
    assert str(ready["owner"]) == str(plain["owner"])
    refused = Pick({"owner": "3"})
    refused.fields["owner"].choices = Choices(pairs)
    assert not refused.is_valid()
    assert "Select a valid choice" in refused.errors["owner"][0]


# What components/form_field.html wrote for each option before ``check_options``.
DJANGO_OPTIONS = Template(
    '{% for option in field %}<div class="form-check">{{ option.tag }}'
    '<label class="form-check-label" for="{{ option.id_for_label }}">'
    "{{ option.choice_label }}</label></div>\n  {% endfor %}"
)


class Boxes(StyledForm):
    many = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    one = forms.ChoiceField(required=False, widget=forms.RadioSelect)


@pytest.mark.parametrize(
    ("data", "initial"),
    [
        (None, {}),
        (None, {"many": [1, 5], "one": "Hardware"}),
        ({"many": ["1", "99"], "one": "x"}, {}),  # refused: the inputs say aria-invalid
        ({"many": ["2"], "one": ""}, {}),
    ],
)
def test_check_options_write_what_djangos_templates_wrote(data, initial):
    form = Boxes(data, initial=initial, auto_id="id_%s")
    form.fields["many"].choices = CHOICES
    form.fields["one"].choices = [("", "none"), ("Hardware", 'Tom & "Jerry" <b>')]
    form.is_valid()
    for name in ("many", "one"):
        field = form[name]
        assert check_options(field) == DJANGO_OPTIONS.render(Context({"field": field}))
    html = check_options(form["many"])
    assert "<script>" not in html
    assert html.count('type="checkbox"') == 7


def test_the_form_field_component_uses_them():
    form = Boxes(initial={"many": [2]})
    form.fields["many"].choices = [(1, "a"), (2, "<b>")]
    html = render_to_string("components/form_field.html", {"field": form["many"]})
    assert (
        '<div class="form-check"><input type="checkbox" name="many" value="2" '
        'id="id_many_1" class="form-check-input" checked>'
        '<label class="form-check-label" for="id_many_1">&lt;b&gt;</label></div>'
    ) in html
