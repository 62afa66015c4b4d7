"""The screens of the pingan app."""
