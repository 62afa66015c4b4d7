"""The `pingan` command line; Textual is imported only when the TUI is opened."""
