"""Messages to a learner's mobile number (verification codes), through a pluggable backend.

``settings.LEARNER_MESSAGE_BACKEND`` names a class with ``send(*, phone, text)``. An SMS
gateway (or an e-mail relay for staff accounts) is plugged in by writing such a class.
"""

import sys

from django.conf import settings
from django.utils.module_loading import import_string

from accounts.phones import mask_phone


class ConsoleBackend:
    """Prints each message on the server's console: development and demos."""

    def send(self, *, phone: str, text: str) -> None:
        sys.stdout.write(f"[短信 → {mask_phone(phone)}] {text}\n")
        sys.stdout.flush()


class MemoryBackend:
    """Keeps messages in ``MemoryBackend.outbox`` as (phone, text), like Django's locmem
    e-mail backend: for tests and for trying the flows without a gateway."""

    outbox: list[tuple[str, str]] = []

    def send(self, *, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


def send_message(*, phone: str, text: str) -> None:
    import_string(settings.LEARNER_MESSAGE_BACKEND)().send(phone=phone, text=text)
