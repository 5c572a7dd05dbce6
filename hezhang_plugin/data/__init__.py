"""data package of the Hezhang plugin."""
