"""The layout's components and the home page's query budget."""

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

from helpline.core.pages.forms import RegisterForm
from helpline.lib.errors import Invalid
from helpline.lib.pages import show_error
from helpline.testing.factories import UserFactory


def test_form_field_links_label_help_and_errors():
    form = RegisterForm(data={"login": "x", "email": "a@example.com"})
    show_error(
        form, Invalid("a login is 3 to 20 letters", code="user.login_invalid", field="login")
    )
    html = render_to_string("components/form_field.html", {"field": form["login"]})
    assert '<label class="form-label" for="id_login">Login</label>' in html
    assert "required" in html
    assert 'class="form-control is-invalid"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_login_helptext id_login_error"' in html
    assert (
        '<div id="id_login_helptext" class="form-text">'
        "3 to 20 letters, digits, dots or dashes.</div>" in html
    )
    assert (
        '<div id="id_login_error" class="invalid-feedback d-block">'
        "<div>A login is 3 to 20 letters</div></div>" in html
    )


def test_a_list_of_checkboxes_is_a_fieldset_of_bootstrap_form_checks():
    """Each option is a form-check (input, then its label) inside a fieldset whose legend
    is the field's label: Django's default markup wrapped the input in its label, where
    Bootstrap's floated checkbox overlapped the text."""
    from django import forms as django_forms

    from helpline.lib.pages import StyledForm

    class Pick(StyledForm):
        colours = django_forms.MultipleChoiceField(
            label="Colours",
            choices=[("r", "Red <b>"), ("g", "Green")],
            widget=django_forms.CheckboxSelectMultiple,
            help_text="Any number.",
        )

    form = Pick(data={"colours": ["x"]})
    form.is_valid()
    html = render_to_string("components/form_field.html", {"field": form["colours"]})
    assert (
        '<fieldset class="mb-3" id="id_colours" '
        'aria-describedby="id_colours_helptext id_colours_error">'
    ) in html
    assert '<legend class="form-label fs-6 mb-1">Colours</legend>' in html
    assert (
        '<div class="form-check"><input type="checkbox" name="colours" value="r" '
        'id="id_colours_0" aria-invalid="true" class="form-check-input is-invalid">'
        '<label class="form-check-label" for="id_colours_0">Red &lt;b&gt;</label></div>'
    ) in html
    assert 'for="id_colours_1">Green</label>' in html
    assert '<div id="id_colours_error" class="invalid-feedback d-block">' in html


def test_a_valid_field_has_no_error_markup():
    form = RegisterForm(data={"firstname": "Ann"})
    html = render_to_string("components/form_field.html", {"field": form["firstname"]})
    assert 'class="form-control"' in html
    assert (
        '<label class="form-label" for="id_firstname">First name '
        '<span class="text-body-secondary">(optional)</span></label>'
    ) in html
    assert "is-invalid" not in html
    assert "_error" not in html


def test_an_error_for_an_unknown_field_goes_to_the_whole_form():
    form = RegisterForm(data={})
    show_error(
        form, Invalid("no organization", code="user.organization_unknown", field="organization_id")
    )
    html = render_to_string("components/form_errors.html", {"form": form})
    assert '<div class="alert alert-danger" role="alert">' in html
    assert "<div>No organization</div>" in html


@pytest.mark.parametrize(
    ("number", "links"),
    [
        (1, ["?q=x&amp;page=2", "?q=x&amp;page=5"]),
        (3, ["?q=x&amp;page=1", "?q=x&amp;page=2", "?q=x&amp;page=4", "?q=x&amp;page=5"]),
        (5, ["?q=x&amp;page=1", "?q=x&amp;page=4"]),
    ],
)
def test_pagination_keeps_the_query_and_marks_the_current_page(number, links):
    request = RequestFactory().get("/", {"q": "x", "page": str(number)})
    page = Paginator(list(range(50)), 10).page(number)
    html = render_to_string("components/pagination.html", {"page": page}, request=request)
    assert f'<span class="page-link">Page {number} of 5</span>' in html
    assert [part.split('"')[0] for part in html.split('href="')[1:]] == links


def test_one_page_needs_no_pagination():
    page = Paginator([1, 2], 10).page(1)
    request = RequestFactory().get("/")
    assert (
        render_to_string("components/pagination.html", {"page": page}, request=request).strip()
        == ""
    )


def test_badge():
    html = render_to_string("components/badge.html", {"text": "<Open>", "tone": "success"})
    assert html.strip() == '<span class="badge text-bg-success">&lt;Open&gt;</span>'
    assert "text-bg-secondary" in render_to_string("components/badge.html", {"text": "x"})


@pytest.mark.django_db
def test_home_page_query_budget_for_guests(client, django_assert_num_queries):
    with django_assert_num_queries(1):  # the site's settings
        assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_home_page_query_budget_for_users(client, django_assert_num_queries):
    client.force_login(UserFactory())
    # session, user, the site's settings; the ticket lists: the user's permissions, the
    # ticket visibility setting, their organizations, then one query per list (created,
    # followed)
    with django_assert_num_queries(8):
        assert client.get("/").status_code == 200
