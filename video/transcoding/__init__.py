"""Pure-Python transcoding core: one upload in, adaptive HLS out. No Django here.

Entry point: :func:`transcode`. The steps are usable on their own: :func:`probe`,
:func:`plan_ladder`, :func:`build_command`, :func:`run`, :func:`write_master`,
:func:`validate` and the image helpers.
"""

from .command import LiveOptions, build_command
from .errors import InvalidMedia, MediaError, TranscodeError, ValidationError
from .ladder import AudioRendition, Rung, output_fps, plan_audio, plan_ladder
from .pipeline import Rendition, TranscodeResult, check_free_space, transcode
from .playlist import write_master
from .probe import ProbeResult, probe, probe_stream
from .progress import Progress
from .runner import run
from .validate import validate

__all__ = [
    "AudioRendition",
    "InvalidMedia",
    "LiveOptions",
    "MediaError",
    "ProbeResult",
    "Progress",
    "Rendition",
    "Rung",
    "TranscodeError",
    "TranscodeResult",
    "ValidationError",
    "build_command",
    "check_free_space",
    "output_fps",
    "plan_audio",
    "plan_ladder",
    "probe",
    "probe_stream",
    "run",
    "transcode",
    "validate",
    "write_master",
]
