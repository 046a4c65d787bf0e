"""weekplan as a reusable Django app (``pip install 'weekplan[django]'``).

Add ``"weekplan.contrib.django"`` to ``INSTALLED_APPS`` and run ``migrate``; the
app's label is ``weekplan`` and its tables are prefixed ``weekplan_``.
Then build a :class:`~weekplan.Planner` over a
:class:`~weekplan.contrib.django.store.DjangoStore`: every call runs in
``transaction.atomic()``, so it commits and rolls back with the host's own
transaction.

The pieces live in submodules, because Django models can only be imported once
the app registry is ready:

* :mod:`weekplan.contrib.django.urls`: weekplan's whole HTTP API, for the
  project's ``urls.py`` to ``include()`` (its view is in :mod:`.views`);
* :mod:`weekplan.contrib.django.store`: :class:`DjangoStore`;
* :mod:`weekplan.contrib.django.http`: for the host's own views, the error
  middleware, a view decorator and the binding of a request to a tenant's
  worker or client planner;
* :mod:`weekplan.contrib.django.models`: the tables, for admin or reporting.
"""
