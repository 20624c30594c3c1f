from django.db import migrations

# The night school's "4+N" model: these four are fixed; cities add the N.
FIXED_CATEGORIES = [
    ("思政引领", "理想信念、党史学习、劳模工匠精神", 1),
    ("文化艺术", "美术、书法、摄影、传统文化", 2),
    ("职业发展", "技能提升、职业规划、技能竞赛", 3),
    ("社会融入", "心理健康、法律常识、生活技能", 4),
]
HONOURS = ["全国劳动模范", "大国工匠", "吉林工匠", "吉林省技术能手", "首席技师", "高级技师"]


def create(apps, schema_editor):
    Category = apps.get_model("courses", "Category")
    Honour = apps.get_model("courses", "Honour")
    for name, description, order in FIXED_CATEGORIES:
        Category.objects.update_or_create(
            name=name,
            defaults={"city": "", "description": description, "is_fixed": True, "sort_order": order},
        )
    for order, name in enumerate(HONOURS, start=1):
        Honour.objects.get_or_create(name=name, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
