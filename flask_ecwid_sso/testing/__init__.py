"""FakeEcwid: an offline stand-in for Ecwid, for tests and the demo."""
