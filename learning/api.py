"""JSON for the learner's own record: certificates, with their hours from the ledger.
(The lesson heartbeat and the profile are the courses app's: it checks enrolment.)"""

from django.urls import reverse

from learning import views
from learning.selectors import certificates_of_learner
from lms.api import absolute, api_view, iso, respond


@api_view("GET", login=True)
def my_certificates(request):
    return respond(
        {
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
                        request, reverse("learning:api_certificate_pdf", args=(certificate.code,))
                    ),
                    "verify_url": absolute(
                        request, reverse("learning:certificate_verify", args=(certificate.code,))
                    ),
                }
                for certificate in certificates_of_learner(learner=request.user)
            ]
        }
    )


@api_view("GET", login=True)
def certificate_pdf(request, code: str):
    """The page's download, for apps too: they authenticate with their token."""
    return views.certificate_download(request, code)
