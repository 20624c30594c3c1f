"""Certificate PDFs: Chinese text as real, extractable text, with a QR code to verify."""

import io
from functools import cache
from pathlib import Path

import qrcode
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from learning.models import Certificate
from learning.requirements import certificate_lines

FONT_NAME = "CertificateFont"


@cache
def _register_font() -> str:
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(Path(settings.CERTIFICATE_FONT)), subfontIndex=0))
    return FONT_NAME


def verification_url(certificate: Certificate) -> str:
    path = reverse("learning:certificate_verify", args=(certificate.code,))
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _qr_png(url: str) -> ImageReader:
    image = qrcode.make(url, box_size=6, border=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def render_pdf(certificate: Certificate) -> bytes:
    """One A4 landscape page. Every word is drawn as text in an embedded font."""
    font = _register_font()
    width, height = landscape(A4)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"结业证书 {certificate.code}")
    pdf.setAuthor(certificate.academy_title or settings.WAGTAIL_SITE_NAME)

    pdf.setStrokeColorRGB(0.7, 0.15, 0.12)
    pdf.setLineWidth(6)
    pdf.rect(24, 24, width - 48, height - 48)
    pdf.setLineWidth(1)
    pdf.rect(36, 36, width - 72, height - 72)

    pdf.setFillColorRGB(0.7, 0.15, 0.12)
    pdf.setFont(font, 40)
    pdf.drawCentredString(width / 2, height - 120, "结业证书")
    pdf.setFillColorRGB(0.1, 0.1, 0.1)
    pdf.setFont(font, 22)
    pdf.drawCentredString(width / 2, height - 190, certificate.learner_name)
    pdf.setFont(font, 16)
    issued = timezone.localtime(certificate.issued_at)
    lines = [
        f"完成课程《{certificate.course_title}》的全部必修内容,",
        f"共计 {certificate.hours:.1f} 学时。",
        *certificate_lines(certificate),
        f"颁发单位:{certificate.academy_title}",
        f"颁发日期:{issued:%Y年%m月%d日}",
    ]
    for number, line in enumerate(lines):
        pdf.drawCentredString(width / 2, height - 250 - number * 32, line)

    pdf.setFont(font, 11)
    pdf.drawString(60, 70, f"证书编号:{certificate.code}")
    pdf.drawString(60, 54, f"扫描二维码或访问 {verification_url(certificate)} 验证真伪")
    pdf.drawImage(_qr_png(verification_url(certificate)), width - 170, 52, 110, 110)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
