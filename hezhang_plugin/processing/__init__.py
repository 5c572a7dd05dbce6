"""processing package of the Hezhang plugin."""
