"""Setting brewctl up on a Pi: ``config init``, ``service install|uninstall`` and ``doctor``.

Each looks at the system through :class:`brewctl.setup.system.System` (a root folder and a
command runner), so the tests run them against a temporary folder.
"""
