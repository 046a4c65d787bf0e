"""Size limits on every stored string and collection.

They exist so that no input can make a plan unbounded, and so that every store
can declare its columns with a fixed width.
"""

from datetime import date, timedelta
from typing import Final

ID_MAX: Final = 64
"""Tenant ids, template ids, dish ids."""
CLIENT_REF_MAX: Final = 128
NAME_MAX: Final = 200
SLOT_KEY_MAX: Final = 64
NAME_KEY_MAX: Final = 3 * NAME_MAX
SLOT_KEY_SEARCH_MAX: Final = 3 * SLOT_KEY_MAX
"""The longest search form (:func:`~weekplan.domain.text.search_key`) of a name and a slot key.

Unicode normalisation can make a text longer (a ligature unfolds into several
letters), and stores index these forms in columns of a fixed width, so a name
or slot key whose search form exceeds the bound is refused up front, by every
store alike.
"""
NOTES_MAX: Final = 2000
SEARCH_MAX: Final = 200
MAX_ENTRIES: Final = 140
"""Seven days of up to twenty slots each."""
PAGE_LIMIT_MAX: Final = 200
MAX_CHOICES: Final = 50
"""Meal types or days named in one call; repeats count, so a short list of choices stays short."""
TAG_MAX: Final = 50
MAX_TAGS: Final = 20
INGREDIENT_MAX: Final = 200
MAX_INGREDIENTS: Final = 100
STEP_MAX: Final = 2000
MAX_STEPS: Final = 50
"""Dish tags, ingredients and preparation steps: short lists of short texts."""
INT_MAX: Final = 2**31 - 1
"""The largest integer any field takes (versions, priorities, counts, cursors).

Every store keeps integers in columns of a signed 32-bit integer, so a larger
value is refused up front, by every store alike, rather than by some databases
only.
"""
FIRST_DAY: Final = date(1000, 1, 1)
LAST_DAY: Final = date(9999, 12, 31)
"""The first and last day a plan may fall on: the range every database's date column holds."""
WEEK_START_MAX: Final = LAST_DAY - timedelta(days=6)
"""The last first day of a week: its seventh day is still a day every store holds."""
CONTENT_HASH_MAX: Final = 80
"""A stored ruleset's content hash: ``sha256:`` and 64 hex digits, with room to spare."""
SIGNALS_VOCABULARY_MAX: Final = 32
"""A stored dish's meal vocabulary fingerprint (16 hex digits), with room to spare."""
REASON_MAX: Final = 500
"""The reason a change or a slot lock carries."""
LABEL_MAX: Final = 16
"""A stored enumeration's value (change types, sources, run types and statuses, outcomes)."""
DAY_KEY_MAX: Final = 3
"""A day key such as ``mon``."""
WALL_TIME_MAX: Final = 5
"""A wall-clock time, ``HH:MM``."""
ERROR_CODE_MAX: Final = 100
"""A generator's name or version, and a stored error code."""
RUN_DAYS_MAX: Final = 40
"""Seven day keys and their separators: ``mon,tue,...,sun``."""
MEAL_TYPES_MAX: Final = 100
"""The JSON array of every meal type, e.g. ``["breakfast","lunch"]``."""
