"""pytest set-up for the whole repository: Django, when it is installed.

Django must be configured before the models of ``weekplan.contrib.django`` are
imported, and ``--doctest-modules src`` imports every module, so it is set up
here, once, with the test settings (``tests/django_settings.py``). Without Django
the Django app and its tests are not collected at all.
"""

import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent

if importlib.util.find_spec("django") is None:
    collect_ignore_glob = ["src/weekplan/contrib/django/*", "tests/contrib_django/*"]
else:
    import django

    sys.path[:0] = [str(ROOT), str(ROOT / "examples")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.django_settings")
    django.setup()
