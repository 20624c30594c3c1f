"""Storages of video files. Both stay outside MEDIA_ROOT on purpose: nginx serves
MEDIA_ROOT to anyone, while restricted lectures must be reachable only through signed
stream URLs (see video.signing)."""

from django.core.files.storage import FileSystemStorage

from video import conf


class _LazyRootStorage(FileSystemStorage):
    """A file-system storage whose location is looked up when it is used."""

    root = staticmethod(conf.root)

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return self.root()

    @property
    def location(self):
        return str(self.root())


class SourceStorage(_LazyRootStorage):
    root = staticmethod(conf.source_root)


class StreamStorage(_LazyRootStorage):
    root = staticmethod(conf.stream_root)


def source_storage() -> FileSystemStorage:
    return SourceStorage()


def stream_storage() -> FileSystemStorage:
    return StreamStorage()
