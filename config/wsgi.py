"""The WSGI application, ready for a long-running server process (gunicorn).

Two start-up steps beyond Django's:
- every view module is imported now rather than by the first request (which otherwise
  takes a second longer: the PDF code imports WeasyPrint), and the ICD-10-CM code set is
  loaded (the diagnosis picker's first search would otherwise take a second or two);
- the garbage collector leaves the start-up objects alone. Django, WeasyPrint and their
  imports are some 150,000 objects that live as long as the process, and every full
  collection walked them all: about 100 ms, several times a minute under load, in the
  middle of somebody's request. gc.freeze() sets them aside for good, and a larger
  first-generation threshold stops each request's short-lived objects from being
  promoted into the old generation, which is what triggered those full collections.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def _settle():
    from django.urls import get_resolver

    from checklists import icd10

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    icd10.warm()
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


_settle()
