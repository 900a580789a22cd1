"""The settings load the same way through every entry point: manage.py, the WSGI module and pytest.

All three find ``site/`` under the import name ``koffietafel`` (see koffietafel.py); these tests
start real subprocesses, as a shell, gunicorn or a new engineer would.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

# Printed by each entry point; DATABASES' NAME is left out (pytest swaps in its test database).
FINGERPRINT = """
import json, django, sys
from django.conf import settings
import koffietafel.settings
print(json.dumps({
    "settings_module": settings.SETTINGS_MODULE,
    "settings_dir": koffietafel.settings.__path__[0],
    "base_dir": str(settings.BASE_DIR),
    "root_urlconf": settings.ROOT_URLCONF,
    "wsgi_application": settings.WSGI_APPLICATION,
    "installed_apps": list(settings.INSTALLED_APPS),
    "database_engine": settings.DATABASES["default"]["ENGINE"],
    "debug": settings.DEBUG,
    "language_code": settings.LANGUAGE_CODE,
}))
"""


def fingerprint_here() -> dict:
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(FINGERPRINT, namespace)  # noqa: S102 - our own constant
    return json.loads(out.getvalue())


def run(args: list[str], *, env_overrides: dict[str, str | None]) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser tests' Playwright fixture sets it
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def last_json_line(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_pytest_uses_the_test_settings_from_the_site_folder():
    assert settings.SETTINGS_MODULE == "koffietafel.settings.test"
    assert Path(fingerprint_here()["settings_dir"]) == ROOT / "site" / "settings"


def test_manage_py_loads_the_same_settings_as_pytest():
    result = run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", FINGERPRINT],
        env_overrides={"DJANGO_SETTINGS_MODULE": "koffietafel.settings.test"},
    )

    assert last_json_line(result) == fingerprint_here()


def test_wsgi_module_loads_the_same_settings_as_pytest():
    script = "import koffietafel.wsgi as w; assert callable(w.application)\n" + FINGERPRINT
    result = run(
        [sys.executable, "-c", script],
        env_overrides={"DJANGO_SETTINGS_MODULE": "koffietafel.settings.test"},
    )

    assert last_json_line(result) == fingerprint_here()


def test_manage_py_defaults_to_the_dev_settings():
    result = run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", FINGERPRINT],
        env_overrides={"DJANGO_SETTINGS_MODULE": None},
    )

    loaded = last_json_line(result)
    assert loaded["settings_module"] == "koffietafel.settings.dev"
    assert loaded["debug"] is True


def test_stdlib_site_module_is_not_shadowed_by_the_project_folder():
    import site

    assert Path(site.__file__).parent == Path(sysconfig.get_paths()["stdlib"])


def test_the_test_settings_serve_static_files_without_whitenoise_warnings(client, db, recwarn):
    """No collectstatic in tests: whitenoise serves from the finders and looks for no STATIC_ROOT.

    pytest.ini no longer hides whitenoise's "No directory at" warning, so a real one shows up.
    """
    response = client.get("/static/css/koffietafel.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)
    assert not [str(w.message) for w in recwarn if "No directory at" in str(w.message)]
