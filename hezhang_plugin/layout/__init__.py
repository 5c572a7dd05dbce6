"""layout package of the Hezhang plugin."""
