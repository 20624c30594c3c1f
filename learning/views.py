from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from learning.certificates import render_pdf
from learning.requirements import certificate_lines
from learning.selectors import (
    certificate_by_code,
    certificate_code_wellformed,
    certificate_of_learner_for,
    mask_name,
)


def certificate_verify(request, code=None):
    """Public: anyone holding the paper (an employer) can check a certificate."""
    code = code or request.GET.get("code", "").strip()
    wellformed = certificate_code_wellformed(code)
    if code and wellformed and not request.resolver_match.kwargs.get("code"):
        return redirect("learning:certificate_verify", code=code.upper())
    certificate = certificate_by_code(code=code) if code else None
    context = {
        # Shown back as typed, less what cannot be shown (a NUL, control characters).
        "code": "".join(character for character in code if character.isprintable())[:40],
        "malformed": bool(code) and not wellformed,
        "certificate": certificate,
        "masked_name": mask_name(certificate.learner_name) if certificate else "",
        "lines": certificate_lines(certificate) if certificate else [],
    }
    status = 404 if code and certificate is None else 200
    return render(request, "learning/certificate_verify.html", context, status=status)


@login_required
def certificate_download(request, code):
    certificate = certificate_by_code(code=code)
    if certificate is None or certificate.learner_id != request.user.pk:
        raise Http404
    response = HttpResponse(render_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


@login_required
def course_certificate(request, course_id):
    """The learner's certificate for a course, for pages that know the course but not the
    code (the lesson page, right after the course was completed)."""
    certificate = certificate_of_learner_for(learner=request.user, course_id=course_id)
    if certificate is None:
        raise Http404
    return redirect("learning:certificate_download", code=certificate.code)
