"""The terminal interfaces of pingan: the command line (`tui.cli`) and the Textual app (`tui.app`).

Importing this package imports no Textual; only `tui.app` and the modules it uses do.
"""
