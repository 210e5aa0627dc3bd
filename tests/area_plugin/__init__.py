"""A stand-in for a new ISO area: it plugs into eISO through the registries only.

``tests/test_area_plugin.py`` installs it next to the real apps and checks that its menu
entry, its panel on a plan task, its periodic job and its export appear, although no file
of the foundation names it (docs/architecture.md, "How a new area plugs in").
"""
