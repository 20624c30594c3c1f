from wagtail.models import Page


def make_unit(parent: Page, model, title: str, **fields):
    """Create and publish a unit page the way the admin does (provisioning included)."""
    page = model(title=title, short_name=fields.pop("short_name", title[:10]), **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return model.objects.get(pk=page.pk)
