from .models import CatalogVersion


def catalog(request):
    """The catalog version shown in every page footer."""
    return {"catalog_version": CatalogVersion.current()}
