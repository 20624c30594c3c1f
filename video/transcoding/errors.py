"""Exceptions raised by the transcoding core.

Every error carries a plain-Chinese ``message`` that can be shown to the lecturer as is,
an English ``detail`` for logs, and ``transient``: whether retrying later may succeed.
"""


class MediaError(Exception):
    """Base class: catch this to handle every transcoding failure in one place."""

    transient = False

    def __init__(self, message: str, *, detail: str = ""):
        super().__init__(message)
        self.message = message
        self.detail = detail


class InvalidMedia(MediaError):
    """The upload is not a usable audio or video file; retrying will not help."""

    def __init__(self, code: str, message: str, message_en: str):
        super().__init__(message, detail=message_en)
        self.code = code
        self.message_en = message_en


class TranscodeError(MediaError):
    """ffmpeg failed, was killed, or the machine ran out of room."""

    def __init__(self, message: str, *, transient: bool, detail: str = ""):
        super().__init__(message, detail=detail)
        self.transient = transient


class ValidationError(MediaError):
    """The produced HLS output does not match the source; it must not be published."""
