"""`helpline serve` serves the pages' CSS and JavaScript itself: Bootstrap and HTMX from the
installed packages, collected with hashed names and compressed copies at start-up."""

import re

import pytest
import requests

pytestmark = pytest.mark.system


def test_the_served_home_page_loads_its_css_and_js(server):
    home = requests.get(f"{server.url}/", timeout=10)
    assert home.status_code == 200
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', home.text)
    assert len(links) == 4
    css = next(link for link in links if "bootstrap.min" in link and link.endswith(".css"))
    # Hashed names: a new version gets a new address, so each may be cached for a year.
    assert re.fullmatch(r"/static/js-lib-bootstrap5/css/bootstrap\.min\.[0-9a-f]{12}\.css", css)
    for link in links:
        response = requests.get(
            f"{server.url}{link}", headers={"Accept-Encoding": "gzip"}, timeout=10
        )
        assert response.status_code == 200, link
        assert response.headers["Cache-Control"] == "max-age=315360000, public, immutable"
        assert response.headers["Content-Encoding"] == "gzip", link
    stylesheet = requests.get(f"{server.url}{css}", timeout=10)
    assert stylesheet.headers["Content-Type"].startswith("text/css")
    assert "Bootstrap  v5.3.3" in stylesheet.text
    htmx = next(link for link in links if link.startswith("/static/htmx/"))
    assert (
        requests.get(f"{server.url}{htmx}", timeout=10)
        .headers["Content-Type"]
        .startswith("text/javascript")
    )


def test_a_missing_static_file_is_a_404(server):
    assert requests.get(f"{server.url}/static/nothing.css", timeout=10).status_code == 404
