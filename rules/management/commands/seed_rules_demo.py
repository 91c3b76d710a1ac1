from django.core.management.base import BaseCommand, CommandError

from rules.demo import seed_rules_demo


class Command(BaseCommand):
    help = (
        "Add demo payers and a synthetic procedure history (blocks, RF sessions) to the demo "
        "practice. Run seed_demo and load_rule_packs first. Idempotent."
    )

    def handle(self, *args, **options):
        from django.contrib.auth import get_user_model

        if not get_user_model().objects.filter(username="dr.demo").exists():
            raise CommandError("Run `python manage.py seed_demo` first.")
        done = seed_rules_demo()
        for line in done or ["Demo payer history already there, nothing changed."]:
            self.stdout.write(line)
