"""Nothing a signed-in user is shown stays in the browser's cache.

A shared workstation's cache would otherwise keep note pages, PDFs and exports (PHI) for
the next person at the keyboard. Every response to a signed-in request says
`Cache-Control: no-store` (with Django's other never-cache headers), downloads included.
"""

from django.utils.cache import add_never_cache_headers


class NoStoreWhenSignedInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
