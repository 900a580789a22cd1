"""Production readiness: `check --deploy` is clean, secrets are required, gunicorn finds the app.

Each test starts a subprocess with production settings and a production-like environment, the
way a deployment starts the app; nothing here touches a database.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "koffietafel.settings.production",
    "SECRET_KEY": "k0ffie-" + "zwart-met-suiker-" * 4,  # 75 characters, many distinct
    "ALLOWED_HOSTS": "koffietafel.example",
    "CSRF_TRUSTED_ORIGINS": "https://koffietafel.example",
    "DATABASE_URL": "postgres://koffietafel:geheim@db.koffietafel.example:5432/koffietafel",
}


def run(args: list[str], **env_overrides: str | None) -> subprocess.CompletedProcess:
    env = {**os.environ, **PRODUCTION_ENV}
    # Set by the browser tests' Playwright fixture for the test process only; never in a deployment.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_check_deploy_reports_no_warnings_with_production_settings():
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"])

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_the_secret_key_is_weak():
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY="django-insecure-" + "a" * 50,
    )

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_production_settings_refuse_to_start_without_secret_key():
    result = run([sys.executable, "manage.py", "check"], SECRET_KEY=None)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_refuse_a_short_secret_key():
    result = run([sys.executable, "manage.py", "check"], SECRET_KEY="kort")

    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_gunicorn_can_load_the_wsgi_application():
    result = run([str(GUNICORN), "--check-config", "koffietafel.wsgi:application"])

    assert result.returncode == 0, result.stdout + result.stderr


def test_gunicorn_check_config_fails_for_a_missing_application():
    """Guards the test above: --check-config really imports the application it is given."""
    result = run([str(GUNICORN), "--check-config", "koffietafel.no_such_module:application"])

    assert result.returncode != 0
