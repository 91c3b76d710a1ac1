"""Benchmark of the read-only FHIR API (issue 18; not a test).

    .venv/bin/python benchmarks/fhir_api.py               # 300 synthetic notes
    .venv/bin/python benchmarks/fhir_api.py --notes 1000

A scratch SQLite database in the temp folder is seeded once with `seed_demo --notes N`
(reused by later runs; --reseed starts over). For each search it prints the median time of
three requests by a signed-in practice manager, the queries of one request and the size
of the answer. DocumentReference renders each signed PDF, so it is asked for 5.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEARCHES = [
    "/fhir/metadata",
    "/fhir/Questionnaire?_count=50",
    "/fhir/Patient?_count=50",
    "/fhir/QuestionnaireResponse?_count=50",
    "/fhir/QuestionnaireResponse?date=ge2026-01-01&_count=50&_page=3",
    "/fhir/Encounter?_count=50",
    "/fhir/Procedure?_count=50",
    "/fhir/Condition?_count=50",
    "/fhir/Claim?_count=50",
    "/fhir/DocumentReference?_count=5",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    db = Path(tempfile.gettempdir()) / f"fhir_bench_{args.notes}.sqlite3"
    if args.reseed:
        db.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from checklists.models import Note

    settings.ALLOWED_HOSTS = ["*"]
    if not db.exists() or not Note.objects.exists():
        call_command("migrate", verbosity=0)
        call_command("load_catalog", verbosity=0)
        call_command("seed_demo", notes=args.notes, verbosity=0)
    client = Client()
    client.force_login(User.objects.get(username="manager"))
    print(
        f"FHIR API, SQLite, {Note.objects.count()} notes ({Note.objects.signed().count()} signed)"
    )
    print(f"{'request':62} {'median ms':>9} {'queries':>7} {'KB':>6}")
    for url in SEARCHES:
        times = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.content[:300])
        median = statistics.median(times) * 1000
        print(f"{url:62} {median:9.0f} {len(queries):7d} {len(response.content) / 1024:6.0f}")


if __name__ == "__main__":
    main()
