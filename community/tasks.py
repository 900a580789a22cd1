"""Background work of the community app (django-tasks): never send e-mail inside a request.

Everything here is enqueued with ``transaction.on_commit`` (services_notify.on_commit), so it only
runs for changes that were committed. With the database backend (production) a worker runs it:
``manage.py db_worker``; with the immediate backend (dev, tests) it runs in the same process right
after the commit. Task arguments are ids, never objects: the task reads the current state.
"""

from django.utils.translation import gettext as _
from django_tasks import task


@task()
def send_invitation(*, email: str, link: str, community_title: str, inviter_name: str) -> None:
    from . import outbox

    subject = _("Uitnodiging voor %(c)s op Koffietafel") % {"c": community_title}
    body = _(
        "%(who)s nodigt je uit voor de gemeenschap %(c)s op Koffietafel.\n\n"
        "Open deze link om lid te worden (hij is twee weken geldig):\n%(link)s\n\n"
        "Heb je nog geen account? Maak er een aan met dit e-mailadres en open de link daarna opnieuw."
    ) % {"who": inviter_name, "c": community_title, "link": link}
    outbox.queue(to=email, subject=subject, body_text=body)


@task()
def deliver_event(*, event: str, **ids) -> int:
    """Turn one committed event into notifications, and e-mail the "immediately" ones."""
    from . import mailings, services_notify

    handlers = {
        "post_created": lambda: services_notify.deliver_post_created(ids["post_id"]),
        "answer_created": lambda: services_notify.deliver_answer_created(ids["answer_id"]),
        "answer_accepted": lambda: services_notify.deliver_answer_accepted(ids["answer_id"], ids.get("user_id")),
        "join_request": lambda: services_notify.deliver_join_request(ids["membership_id"]),
        "announcement": lambda: services_notify.deliver_announcement(**ids),
        "person": lambda: services_notify.deliver_person(**ids),
    }
    to_email = handlers[event]()
    return mailings.email_notifications(to_email)


@task()
def send_outbox_email(*, outbox_id: int) -> str:
    """First attempt at one outbox e-mail; retries are `manage.py send_due_mail`'s (see outbox.py)."""
    from . import outbox

    return outbox.send_one(outbox_id)
