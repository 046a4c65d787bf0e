"""The quick-start demo, ``python -m weekplan demo``: one practice plans one client's week.

>>> from weekplan.demo import DEMO_CLIENT, DEMO_TENANT, run_demo
>>> DEMO_TENANT, DEMO_CLIENT
('demo-practice', 'client-42')
"""

from __future__ import annotations

from weekplan.demo._story import DEMO_CLIENT, DEMO_SEED, DEMO_TENANT, install_hint, run_demo

__all__ = ["DEMO_CLIENT", "DEMO_SEED", "DEMO_TENANT", "install_hint", "run_demo"]
