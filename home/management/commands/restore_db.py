"""Restore a backup made by ``backup_db`` into the configured (empty or to-be-replaced) database.

SQLite: the backup file is a complete database; it is copied over the database file with the
online backup API (stop the site first). PostgreSQL: ``pg_restore --clean --if-exists``.

Afterwards every configured cache is cleared: cached pages, fragments and the generations that
keep them fresh (Redis outlives the app servers) describe the database before the restore, which
changed without a single signal; a stale copy could show a post or community the backup hides.
"""

import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from .backup_db import pg_env_and_args, pg_tool


class Command(BaseCommand):
    help = "Restore a backup made by backup_db (stop the site first)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file to restore.")
        parser.add_argument("--database", default="default")

    def handle(self, *args, path, database, **options):
        source = Path(path)
        if not source.exists():
            raise CommandError(f"{source} bestaat niet.")
        restore(connections[database], source)
        for alias in settings.CACHES:
            caches[alias].clear()
        self.stdout.write(f"{source} teruggezet.")


def restore(connection, source: Path) -> None:
    """The backup into the database, by the database's own tools."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(source) as backup:
            backup.backup(connection.connection)
    elif connection.vendor == "postgresql":
        env, args = pg_env_and_args(connection.settings_dict)
        subprocess.run(
            [pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", *args,
             "--dbname", connection.settings_dict["NAME"], str(source)],
            check=True, env=env,
        )
    else:
        raise CommandError(f"Restoring {connection.vendor} is not supported.")
