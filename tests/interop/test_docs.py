import re
import tomllib

from django.conf import settings


def test_the_fhir_docs_name_the_shipped_catalog_version():
    shipped = tomllib.loads(settings.CATALOG_FILE.read_text())["catalog"]["version"]
    text = (settings.BASE_DIR / "docs" / "fhir.md").read_text()
    named = set(re.findall(r"\b20\d\d\.\d+\b", text))
    assert named == {shipped}
