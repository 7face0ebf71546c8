"""Reads from PostgreSQL read replicas, writes to the primary (only with DATABASE_REPLICA_URLS)."""

import random

from django.conf import settings


class ReplicaRouter:
    def replicas(self) -> list[str]:
        return [alias for alias in settings.DATABASES if alias != "default"]

    def db_for_read(self, model, **hints):
        replicas = self.replicas()
        return random.choice(replicas) if replicas else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Replicas hold the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
