"""Backup and restore: the demo site backed up, restored into a fresh database, nothing missing.

The restore runs as an operator would run it, ``manage.py restore_db`` in its own process with
DATABASE_URL pointing at the fresh database.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection

# serialized_rollback: the next test still finds Wagtail's root page and locale.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ROOT = Path(__file__).resolve().parents[2]

POSTS = "SELECT id, title, body_html FROM community_post ORDER BY id"
ANSWERS = "SELECT xtdcomment_ptr_id, body_html, post_id FROM community_answer ORDER BY xtdcomment_ptr_id"
PAGES = "SELECT COUNT(*) FROM wagtailcore_page"


@pytest.fixture
def fresh_database(tmp_path):
    """(DATABASE_URL, query function) of a second, empty database of the same kind."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"

        def query(sql):
            with sqlite3.connect(path) as db:
                return db.execute(sql).fetchall()

        yield f"sqlite:///{path}", query
        return
    import psycopg

    s = {**connection.settings_dict}
    s["HOST"] = s["HOST"] or s.get("OPTIONS", {}).get("host", "")
    name = f"koffietafel_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    params = {"dbname": name, "host": s["HOST"] or None, "port": s["PORT"] or None, "user": s["USER"] or None,
              "password": s["PASSWORD"] or None}

    def query(sql):
        with psycopg.connect(**{k: v for k, v in params.items() if v}) as db:
            return db.execute(sql).fetchall()

    auth = quote(s["USER"] or "") + (":" + quote(s["PASSWORD"]) if s["PASSWORD"] else "")
    url = f"postgres://{auth}@/{name}?host={quote(s['HOST'] or '')}" + (f"&port={s['PORT']}" if s["PORT"] else "")
    yield url, query
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def current(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]


def test_demo_site_survives_backup_and_restore(tmp_path, fresh_database):
    url, query = fresh_database
    call_command("seed_demo", "--force", stdout=io.StringIO())
    posts, answers = current(POSTS), current(ANSWERS)
    assert len(posts) >= 8 and len(answers) >= 8
    backup = tmp_path / "koffietafel.backup"
    call_command("backup_db", str(backup), stdout=io.StringIO())
    assert backup.stat().st_size > 0

    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "koffietafel.settings.test"}
    subprocess.run([sys.executable, "manage.py", "restore_db", str(backup)], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    assert [tuple(r) for r in query(POSTS)] == posts
    assert [tuple(r) for r in query(ANSWERS)] == answers
    assert [tuple(r) for r in query(PAGES)] == current(PAGES)
