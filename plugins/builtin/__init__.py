"""The built-in plugins: the leadership office, the four guidance units and the file formats."""
