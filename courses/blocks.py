"""StreamField blocks of a lesson: reading material and documents to download."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock


class AttachmentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    label = blocks.CharBlock(
        label=_("Link text"), required=False, help_text=_("Defaults to the document's title.")
    )

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/attachment_block.html"


class LessonBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=pgettext_lazy("lesson block", "Text"),
        features=["bold", "italic", "link", "ol", "ul", "h3", "h4", "image"],
    )
    attachment = AttachmentBlock(label=_("Attachment"))
