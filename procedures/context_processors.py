from .models import CatalogVersion


def catalog(request):
    """The catalog version shown in every page footer, without its claim rules and
    narratives (tens of kB of JSON that no page template reads)."""
    return {"catalog_version": CatalogVersion.objects.defer("claim_rules", "narratives").first()}
