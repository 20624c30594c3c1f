"""The search vocabulary a fresh installation starts with (`_vocabulary.py`): what
workers type beside the words course pages use. Groups already there are kept."""

from django.db import migrations

from search.migrations._vocabulary import VOCABULARY

SEPARATORS = ",,、;;\n"


def _terms(line: str) -> str:
    for separator in SEPARATORS:
        line = line.replace(separator, ",")
    return ", ".join(dict.fromkeys(term.strip() for term in line.split(",") if term.strip()))


def groups():
    for note, lines in VOCABULARY.items():
        for line in lines.strip().splitlines():
            if line.strip():
                yield _terms(line), note


def load(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    have = set(Synonym.objects.values_list("terms", flat=True))
    Synonym.objects.bulk_create(
        [Synonym(terms=terms, note=note) for terms, note in groups() if terms not in have]
    )


def unload(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for terms, note in groups():
        Synonym.objects.filter(terms=terms, note=note).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0006_normalised_tokens")]

    operations = [migrations.RunPython(load, unload)]
