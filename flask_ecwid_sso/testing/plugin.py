"""pytest plugin: the ``fake_ecwid`` fixture."""
