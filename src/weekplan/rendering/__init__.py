"""Presentation of weekplan values: HTML for notebooks, plain text for terminals.

One renderer per format: :mod:`weekplan.rendering.text` draws every text grid
and :mod:`weekplan.rendering.html` every table.
The domain sits below this package and never imports it: importing it
registers its renderers with the domain's ``text_of`` and ``html_of``, which
the domain classes' ``__str__`` and ``_repr_html_`` call, so ``print(week)``
shows the grid and Jupyter the table.
"""

from weekplan.domain._client_view import ClientWeekView
from weekplan.domain._display import html_of, text_of
from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.rendering.html import client_week_html, instance_html, template_html
from weekplan.rendering.text import client_week_text, instance_text, template_text

text_of.register(WeekPlanTemplate, template_text)
text_of.register(WeekPlanInstance, instance_text)
text_of.register(ClientWeekView, client_week_text)
html_of.register(WeekPlanTemplate, template_html)
html_of.register(WeekPlanInstance, instance_html)
html_of.register(ClientWeekView, client_week_html)
