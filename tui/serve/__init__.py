"""``micrograd-tui serve``, a room of its own: ``server.py`` (the web server on textual-serve, one app process per
learner), ``classroom.py`` (the class's state in the session folders: names, codes, the roster, pacing) and
``pages.py`` with ``templates/`` (the teacher's and the join pages, as Jinja2 templates).

Nothing here is imported until ``micrograd-tui serve`` runs, except ``classroom``'s pacing and resume code,
which every served app reads.
"""
