"""Integrations with host frameworks, each behind its own extra.

Nothing here is imported by ``import weekplan``: a host imports the submodule
for its framework (:mod:`weekplan.contrib.flask`, :mod:`weekplan.contrib.django`) after installing
the matching extra.
"""
