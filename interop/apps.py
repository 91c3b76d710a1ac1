from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "interop"
    verbose_name = "FHIR interoperability"

    def ready(self):
        from procedures.signals import catalog_loaded

        from .published import publish_questionnaires

        # Every catalog load keeps its version's Questionnaires: signed FHIR responses name
        # them for good. A signal because procedures sits below interop (tests/test_layers.py).
        catalog_loaded.connect(
            lambda **kwargs: publish_questionnaires(), weak=False, dispatch_uid="publish"
        )
