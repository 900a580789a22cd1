"""Import name of the project's ``site/`` folder.

Python's standard library owns the module name ``site`` and imports it at interpreter
start, so ``import site.settings`` can never work. This module gives the folder a second,
unambiguous import name: a module that has a ``__path__`` is treated by the import system
as a package, so ``koffietafel.settings.dev`` and ``koffietafel.wsgi`` resolve to
``site/settings/dev.py`` and ``site/wsgi.py``. It works the same for manage.py, gunicorn,
uvicorn and pytest, as long as the project root is on ``sys.path`` (all of them put the
current directory there; pytest through ``pythonpath = .``).
"""

from pathlib import Path

__path__ = [str(Path(__file__).resolve().parent / "site")]
