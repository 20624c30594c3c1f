"""The search vocabulary a fresh installation starts with (`_vocabulary.py`): what
workers type beside the words course pages use. Groups already there are kept."""

from django.db import migrations

from search.migrations._vocabulary import VOCABULARY, loader

load, unload = loader(VOCABULARY)


class Migration(migrations.Migration):
    dependencies = [("search", "0006_normalised_tokens")]

    operations = [migrations.RunPython(load, unload)]
