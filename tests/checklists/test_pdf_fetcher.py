"""A PDF render reaches the app's own static files and nothing else."""

import logging
import urllib.request

import pytest
from django.conf import settings
from weasyprint.urls import URLFetcher

from checklists.pdf.fetcher import STATIC_BASE, RefusedURL, StaticFilesFetcher
from checklists.pdf.render import write_pdf

LOGGER = "checklists.pdf.fetcher"


def test_it_serves_the_apps_own_static_files():
    response = StaticFilesFetcher()(STATIC_BASE + "css/print.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/tracker.png",
        "http://169.254.169.254/latest/meta-data/",
        "ftp://example.com/file.css",
        "https://app.invalid.example.com/static/css/print.css",
    ],
)
def test_it_refuses_a_remote_url_and_logs_it(url, caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER), pytest.raises(RefusedURL):
        StaticFilesFetcher()(url)
    assert f"refused to fetch {url}" in caplog.text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        f"file://{settings.BASE_DIR}/static/css/print.css",
        f"file://{settings.BASE_DIR}/config/settings.py",
        STATIC_BASE + "../../config/settings.py",
        STATIC_BASE + "css/../../config/settings.py",
        STATIC_BASE + "%2e%2e/config/settings.py",
        STATIC_BASE + "%2Fetc%2Fpasswd",
        STATIC_BASE.removesuffix("static/") + "etc/passwd",
        STATIC_BASE + "css",
        STATIC_BASE + "css/missing.css",
    ],
)
def test_it_refuses_a_file_path_outside_static(url, caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER), pytest.raises(RefusedURL):
        StaticFilesFetcher()(url)
    assert "refused to fetch" in caplog.text


def test_it_refuses_data_urls():
    with pytest.raises(RefusedURL):
        StaticFilesFetcher()("data:text/css,body{background:url(https://example.com/x)}")


def test_a_document_naming_outside_urls_renders_without_fetching_them(monkeypatch, caplog):
    def no_network(*args, **kwargs):
        raise AssertionError("a PDF render tried to open a URL")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    monkeypatch.setattr(URLFetcher, "fetch", no_network)
    html = (
        '<link rel="stylesheet" href="file:///etc/passwd">'
        '<img src="https://example.com/pixel.png"><img src="/etc/passwd">'
        "<p>Still renders.</p>"
    )
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        pdf = write_pdf(html)
    assert pdf.startswith(b"%PDF-")
    refused = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert refused == [
        "PDF render refused to fetch file:///etc/passwd",
        "PDF render refused to fetch https://example.com/pixel.png",
        "PDF render refused to fetch https://app.invalid/etc/passwd",
    ]
