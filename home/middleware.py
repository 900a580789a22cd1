"""Dutch by default: the interface language is Dutch unless the visitor chose English.

Django's LocaleMiddleware also follows the browser's Accept-Language header, so a visitor with an
English browser would get English without asking for it. This middleware uses only the explicit
choice (the language cookie set by the language form in the footer).
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
