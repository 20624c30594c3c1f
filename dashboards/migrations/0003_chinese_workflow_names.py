"""Wagtail's migrations name the default groups and workflow in English (Moderators,
Editors, "Moderators approval"); academy admins see these names as they are ("提交给
Moderators approval"). Give them Chinese names; other names are left alone."""

from django.db import migrations

GROUPS = {"Moderators": "审核员", "Editors": "编辑"}
WORKFLOWS = {"Moderators approval": "审核员审批"}


def rename(apps, schema_editor, groups=GROUPS, workflows=WORKFLOWS):
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    for old, new in groups.items():
        if not Group.objects.filter(name=new).exists():
            Group.objects.filter(name=old).update(name=new)
    for old, new in workflows.items():
        Workflow.objects.filter(name=old).update(name=new)
        Task.objects.filter(name=old).update(name=new)


def rename_back(apps, schema_editor):
    rename(
        apps,
        schema_editor,
        groups={new: old for old, new in GROUPS.items()},
        workflows={new: old for old, new in WORKFLOWS.items()},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0002_refresh_schedule"),
        ("wagtailcore", "0048_add_default_workflows"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
