"""The only way a PDF render reaches outside the template: the app's own static files.

Templates address static files under STATIC_BASE, an origin in the reserved `.invalid`
domain, so nothing can resolve it even if a URL slipped past this fetcher. Every other URL
(http, https, file, data) is refused and logged: a note's text must never make the server
fetch anything.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

STATIC_BASE = "https://app.invalid/static/"


class RefusedURL(ValueError):
    pass


def static_file(url: str) -> Path | None:
    """The static file `url` names, or None when it names anything else."""
    if not url.startswith(STATIC_BASE):
        return None
    parts = urlsplit(url)
    if parts.query or parts.fragment:
        return None
    name = unquote(parts.path.removeprefix(urlsplit(STATIC_BASE).path))
    if not name or "\\" in name or any(p in ("", ".", "..") for p in name.split("/")):
        return None
    found = finders.find(name)
    if found is None and settings.STATIC_ROOT:
        collected = Path(settings.STATIC_ROOT, name)
        found = collected if collected.is_file() else None
    return Path(found) if found and Path(found).is_file() else None


class StaticFilesFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        path = static_file(url)
        if path is None:
            shown = url if len(url) <= 120 else f"{url[:120]}..."
            logger.warning("PDF render refused to fetch %s", shown)
            raise RefusedURL(f"not an app static file: {shown}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
