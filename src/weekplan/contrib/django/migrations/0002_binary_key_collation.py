"""String keys compare byte for byte, as Python compares them (see ``..collation``).

Written by hand; it changes no Django model state.
"""

from __future__ import annotations

from django.db import migrations

from weekplan.contrib.django._collation import binary_keys, default_keys

KEYS = {
    "weekplan_templates": (("tenant_id", 64), ("id", 64), ("name_key", 600)),
    "weekplan_instances": (("tenant_id", 64), ("id", 64), ("template_id", 64), ("client_ref", 128)),
}


class Migration(migrations.Migration):
    dependencies = [("weekplan", "0001_initial")]

    # Not atomic: MariaDB cannot roll DDL back, and Django refuses DDL inside a
    # transaction there (it would wrap RunPython in one by default).
    operations = [
        migrations.RunPython(binary_keys(KEYS), default_keys(KEYS), atomic=False, elidable=False)
    ]
