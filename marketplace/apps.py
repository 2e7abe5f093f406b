from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Marketplace"

    def ready(self) -> None:
        from marketplace.services.specialist_index import connect_invalidation_signals

        # Keeps the warm shortlist index fresh after any save, admin and shell included.
        connect_invalidation_signals()

        # The cached skill taxonomy goes stale on any save or delete of a skill.
        from marketplace.selectors.taxonomy import connect_taxonomy_invalidation

        connect_taxonomy_invalidation()

        # PostgreSQL timestamps are read by psycopg's compiled loader (see the module).
        from fastpaths.db_timestamps import connect_timestamp_loader

        connect_timestamp_loader()
