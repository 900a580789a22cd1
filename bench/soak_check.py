"""bench/soak, last step: check the database against what the load generator was told, and the memory.

    python bench/soak_check.py STATE_JSON WRK_OUTPUT RSS_LOG OUTPUT_MD

Pass conditions: no 5xx and no socket errors; every answer the server confirmed (a redirect to
``#antwoord-<id>``) is in the database, by id, with its text, exactly once; answers stored but never
confirmed are at most the requests in flight when wrk stopped (one per connection); answer_count and helpful_count match the rows
of every post and answer the load touched; worker memory grows less than SOAK_MAX_GROWTH_MB
(default 50) between the second and the last minute.
"""

from __future__ import annotations

import json
import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koffietafel.settings.bench")
django.setup()

from django.db.models import Count  # noqa: E402

from community.models import Answer, HelpfulVote, Post  # noqa: E402
from community.models.posts import COUNTED_ANSWERS  # noqa: E402


def rss_series(path):
    """Lines 'seconds total_kb worker_kb...' → list of (seconds, total MB)."""
    series = []
    for line in open(path):
        parts = line.split()
        if len(parts) >= 2:
            series.append((int(parts[0]), int(parts[1]) / 1024))
    return series


def main(state_path, wrk_path, rss_path, output_path):
    state = json.load(open(state_path))
    line = next(x for x in open(wrk_path) if x.startswith("SOAKJSON "))
    run = json.loads(line[len("SOAKJSON "):])
    ids_line = next((x for x in open(wrk_path) if x.startswith("SOAKIDS ")), "SOAKIDS ")
    confirmed_ids = {int(i) for i in ids_line[len("SOAKIDS "):].strip().split(",") if i.isdigit()}
    connections = int(os.environ.get("SOAK_CONNECTIONS", "16"))
    soak_answers = Answer.objects.filter(comment__startswith="Soak-antwoord")
    stored = soak_answers.count() - state["answers_before"]
    distinct = soak_answers.values("comment").distinct().count()
    duplicates = soak_answers.count() - distinct
    found_ids = set(soak_answers.filter(pk__in=confirmed_ids).values_list("pk", flat=True))
    missing = confirmed_ids - found_ids
    unconfirmed = stored - len(found_ids)
    rows = dict(Answer.objects.filter(COUNTED_ANSWERS, post_id__in=state["answer_posts"]).order_by().values("post_id")
                .annotate(n=Count("pk")).values_list("post_id", "n"))
    bad_answer_counts = [pk for pk, n in Post.objects.filter(pk__in=state["answer_posts"]).values_list("pk", "answer_count")
                         if n != rows.get(pk, 0)]
    votes = dict(HelpfulVote.objects.filter(answer_id__in=state["vote_answers"]).values("answer_id")
                 .annotate(n=Count("pk")).values_list("answer_id", "n"))
    bad_helpful = [a for a, c in Answer.objects.filter(pk__in=state["vote_answers"]).values_list("pk", "helpful_count")
                   if c != votes.get(a, 0)]
    series = rss_series(rss_path)
    max_growth = float(os.environ.get("SOAK_MAX_GROWTH_MB", "50"))
    early = [mb for s, mb in series if 60 <= s < 120] or [mb for _, mb in series[:3]]
    late = [mb for s, mb in series if s >= series[-1][0] - 60] if series else []
    growth = (sum(late) / len(late) - sum(early) / len(early)) if early and late else 0.0

    checks = [
        ("no 5xx responses", run["s5xx"] == 0, f"{run['s5xx']} of {run['requests']}"),
        ("no socket errors", run["socket_errors"] == 0, str(run["socket_errors"])),
        ("no lost write: every confirmed answer stored", not missing and len(confirmed_ids) == run["answers_confirmed"],
         f"{run['answers_confirmed']} confirmed, {len(found_ids)} of them found by id, {len(missing)} missing"),
        ("stored but unconfirmed ≤ in flight at the stop", 0 <= unconfirmed <= connections,
         f"{unconfirmed} (wrk stops listening with up to {connections} requests in flight)"),
        ("no duplicate answers", duplicates == 0, str(duplicates)),
        ("answer_count matches the rows", not bad_answer_counts, f"{len(bad_answer_counts)} posts differ"),
        ("helpful_count matches the votes", not bad_helpful, f"{len(bad_helpful)} answers differ"),
        ("worker memory flat", growth < max_growth,
         f"{growth:+.1f} MB between minute 2 and the last minute (all workers; limit {max_growth:.0f} MB)"),
    ]
    ok = all(passed for _, passed, _ in checks)
    lines = [
        "# Soak test (bench/soak)",
        "",
        f"{run['duration_s']:.0f} s, {os.environ.get('SOAK_CONNECTIONS', '16')} connections, "
        f"{state['members']} signed-in members; mix: 35 % anonymous reads, 35 % member reads, "
        "15 % new answers, 15 % helpful-vote toggles.",
        "",
        f"- Requests: {run['requests']} ({run['rps']:.0f}/s); p50 {run['p50_ms']:.1f} ms, p95 {run['p95_ms']:.1f} ms, "
        f"p99 {run['p99_ms']:.1f} ms, max {run['max_ms']:.0f} ms.",
        f"- Responses: {run['s2xx']} 2xx, {run['s3xx']} 3xx, {run['s4xx']} 4xx other than 429, "
        f"{run['s429']} 429 (rate limits), {run['s5xx']} 5xx.",
        f"- Writes confirmed: {run['answers_confirmed']} answers, {run['votes_confirmed']} vote toggles.",
        f"- Worker memory (sum of workers, MB): start {series[0][1]:.0f}, end {series[-1][1]:.0f}, "
        f"max {max(mb for _, mb in series):.0f}." if series else "- Worker memory: not sampled.",
        "",
        "| check | result | detail |",
        "|---|---|---|",
        *(f"| {name} | {'pass' if passed else 'FAIL'} | {detail} |" for name, passed, detail in checks),
        "",
    ]
    text = "\n".join(lines)
    open(output_path, "w").write(text)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
