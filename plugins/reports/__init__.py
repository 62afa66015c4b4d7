"""The district report and what every printed copy carries: content, writers and the stamp."""
