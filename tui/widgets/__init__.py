"""The widgets of the pingan app."""
