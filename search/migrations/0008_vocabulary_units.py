"""Units of measure in the search vocabulary (`_vocabulary.UNITS`): 10千伏 finds 10kV."""

from django.db import migrations

from search.migrations._vocabulary import UNITS, loader

load, unload = loader(UNITS)


class Migration(migrations.Migration):
    dependencies = [("search", "0007_vocabulary")]

    operations = [migrations.RunPython(load, unload)]
