"""Run jobs in real threads released together by a barrier, for the PostgreSQL concurrency tests.

Each thread uses its own database connection (closed when the job ends), so every job commits for
real; the exceptions the jobs raised come back as a list for the test to report.
"""

from __future__ import annotations

import threading

from django.db import connections


def run_together(jobs) -> list[Exception]:
    """Start all jobs at once (a barrier), collect exceptions, close each thread's connection."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def runner(job):
        try:
            barrier.wait()
            job()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors
