"""Back up the database while the site runs: SQLite's online backup API, or pg_dump for PostgreSQL.

    python manage.py backup_db backups/koffietafel-2026-11-23.backup

Restore with ``restore_db`` (see docs/operations.md).
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections


def pg_env_and_args(settings_dict):
    env = {**os.environ}
    args = []
    # dj-database-url puts a Unix-socket directory (postgres://u@/db?host=/run/pg) into OPTIONS.
    host = settings_dict.get("HOST") or settings_dict.get("OPTIONS", {}).get("host")
    if host:
        args += ["--host", host]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env, args


def pg_tool(name: str) -> str:
    """pg_dump/pg_restore from PATH, or from the newest PostgreSQL installed under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if candidates:
        return str(candidates[-1])
    raise CommandError(f"{name} niet gevonden: installeer de PostgreSQL-clienttools.")


class Command(BaseCommand):
    help = "Online backup of the database to a file (SQLite backup API or pg_dump custom format)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the backup.")
        parser.add_argument("--database", default="default")

    def handle(self, *args, path, database, **options):
        connection = connections[database]
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            with sqlite3.connect(target) as destination:
                connection.connection.backup(destination)
        elif connection.vendor == "postgresql":
            env, args = pg_env_and_args(connection.settings_dict)
            subprocess.run(
                [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args,
                 connection.settings_dict["NAME"]],
                check=True, env=env,
            )
        else:
            raise CommandError(f"Backups of {connection.vendor} are not supported.")
        self.stdout.write(f"Backup geschreven naar {target}")
