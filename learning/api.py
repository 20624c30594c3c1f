"""The learner's certificates as JSON for apps; thin over `learning.selectors`."""

from django.urls import reverse
from django.utils.translation import gettext_lazy
from ninja import Field, Router

from learning import views
from learning.selectors import certificates_of_learner
from lms.api import LOGIN, Out, absolute, errors, iso

router = Router(tags=["learning"])


class CertificateCourse(Out):
    id: int
    title: str


class CertificateOut(Out):
    code: str
    course: CertificateCourse
    academy: str
    hours: float
    issued_at: str = Field(json_schema_extra={"format": "date-time"})
    revoked: bool
    revoked_at: str | None
    pdf_url: str
    verify_url: str


class Certificates(Out):
    results: list[CertificateOut]


@router.get(
    "me/certificates/",
    response={200: Certificates, **errors(401)},
    url_name="certificates",
    summary=gettext_lazy("Your certificates, revoked ones flagged"),
    **LOGIN,
)
def my_certificates(request):
    return {
        "results": [
            {
                "code": certificate.code,
                "course": {"id": certificate.course_id, "title": certificate.course_title},
                "academy": certificate.academy_title,
                "hours": float(certificate.hours),
                "issued_at": iso(certificate.issued_at),
                "revoked": not certificate.is_valid,
                "revoked_at": iso(certificate.revoked_at),
                "pdf_url": absolute(
                    request, reverse("api:certificate_pdf", args=(certificate.code,))
                ),
                "verify_url": absolute(
                    request, reverse("learning:certificate_verify", args=(certificate.code,))
                ),
            }
            for certificate in certificates_of_learner(learner=request.user)
        ]
    }


@router.get(
    "me/certificates/{code}/pdf/",
    response={200: None, **errors(401, 404)},
    url_name="certificate_pdf",
    summary=gettext_lazy("A certificate of yours as PDF"),
    openapi_extra={
        "responses": {
            "200": {
                "description": "The certificate.",
                "content": {"application/pdf": {"schema": {"type": "string"}}},
            }
        }
    },
    **LOGIN,
)
def certificate_pdf(request, code: str):
    """The page's download, for apps too: they authenticate with their token."""
    return views.certificate_download(request, code)
