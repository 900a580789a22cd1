"""Background work of the community app (django-tasks): never send e-mail inside a request."""

from django.core.mail import send_mail
from django.utils.translation import gettext as _
from django_tasks import task


@task()
def send_invitation(*, email: str, link: str, community_title: str, inviter_name: str) -> None:
    subject = _("Uitnodiging voor %(c)s op Koffietafel") % {"c": community_title}
    body = _(
        "%(who)s nodigt je uit voor de gemeenschap %(c)s op Koffietafel.\n\n"
        "Open deze link om lid te worden (hij is twee weken geldig):\n%(link)s\n\n"
        "Heb je nog geen account? Maak er een aan met dit e-mailadres en open de link daarna opnieuw."
    ) % {"who": inviter_name, "c": community_title, "link": link}
    send_mail(subject, body, None, [email])
