"""More of the search vocabulary (`_vocabulary.MORE_VOCABULARY`): what workers type for
the trades of 一汽, 中车, 吉林石化 and the grid, machine, controller and robot brands,
construction certificates, the province's specialities, union and workers' rights words
and more night-school courses, beside the words course pages use. Groups already there
are kept."""

from django.db import migrations

from search.migrations._vocabulary import MORE_VOCABULARY, loader

load, unload = loader(MORE_VOCABULARY)


class Migration(migrations.Migration):
    dependencies = [("search", "0011_repeated_terms")]

    operations = [migrations.RunPython(load, unload)]
