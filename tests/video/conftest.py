import shutil

import pytest
from django.contrib.auth import get_user_model

from academies.models import HeadquartersPage, IndustryAcademyPage
from lms.models import HomePage
from tests.academies.factories import make_unit
from video import services
from video.models import Video, Visibility
from video.services import jobs

from .clips import MAKERS


@pytest.fixture(scope="session")
def clip_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("video-clips")


@pytest.fixture
def clip(clip_folder, tmp_path):
    """``clip(name)``: a fresh copy of a generated clip (made once per session)."""

    def get(name: str):
        original = clip_folder / name
        if not original.exists():
            MAKERS[name](original)
        copy = tmp_path / "clips" / name
        copy.parent.mkdir(exist_ok=True)
        shutil.copyfile(original, copy)
        return copy

    return get


@pytest.fixture(autouse=True)
def video_root(settings, tmp_path):
    """Every test gets its own video directories."""
    settings.VIDEO_ROOT = str(tmp_path / "video")
    settings.VIDEO_MIN_FREE_BYTES = 16 * 1024 * 1024
    return tmp_path / "video"


class Units:
    """Two academies with their groups, and people in them."""

    def __init__(self):
        home = HomePage.objects.get()
        hq = make_unit(home, HeadquartersPage, "吉林省工匠学院总部", slug="academies")
        self.a = make_unit(hq, IndustryAcademyPage, "吉林省新能源工匠学院", slug="new-energy",
                           industry="新能源")  # fmt: skip
        self.b = make_unit(hq, IndustryAcademyPage, "吉林省新材料工匠学院", slug="new-materials",
                           industry="新材料")  # fmt: skip
        users = get_user_model().objects
        self.lecturer_a = users.create_user("lecturer_a", first_name="王", last_name="师傅")
        self.lecturer_a.groups.add(self.a.lecturer_group)
        self.lecturer_a2 = users.create_user("lecturer_a2", first_name="李", last_name="工")
        self.lecturer_a2.groups.add(self.a.lecturer_group)
        self.lecturer_b = users.create_user("lecturer_b")
        self.lecturer_b.groups.add(self.b.lecturer_group)
        self.admin_a = users.create_user("admin_a")
        self.admin_a.groups.add(self.a.admin_group)
        self.admin_b = users.create_user("admin_b")
        self.admin_b.groups.add(self.b.admin_group)
        self.learner = users.create_user("learner")
        self.superuser = users.create_superuser("root")


@pytest.fixture
def units(db):
    return Units()


@pytest.fixture
def make_video(clip, units):
    """``make_video(clip_name, **fields)``: a video queued as an upload would be, not run."""

    def make(name="landscape.mp4", *, uploaded_by=None, collection=None, **fields):
        path = clip(name)
        return services.video_create(
            source_path=path,
            filename=name,
            title=fields.pop("title", f"讲座 {name}"),
            collection=collection or units.a.collection,
            uploaded_by=uploaded_by or units.lecturer_a,
            lecturer=fields.pop("lecturer", uploaded_by or units.lecturer_a),
            visibility=fields.pop("visibility", Visibility.RESTRICTED),
            move=True,
            enqueue=False,
            **fields,
        )

    return make


def run_job(video: Video) -> str:
    """Deliver the video's latest job once, as the queue would."""
    job = video.jobs.order_by("-pk").first()
    return jobs.job_run(key=str(job.key), attempt=job.attempt)


@pytest.fixture
def ready_video(make_video):
    """``ready_video(clip_name, **fields)``: a video that went through the pipeline."""

    def make(name="landscape.mp4", **fields):
        video = make_video(name, **fields)
        assert run_job(video) == "ready"
        video.refresh_from_db()
        return video

    return make
