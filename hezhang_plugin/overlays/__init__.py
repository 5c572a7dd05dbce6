"""overlays package of the Hezhang plugin."""
