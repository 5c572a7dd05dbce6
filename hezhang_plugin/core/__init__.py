"""core package of the Hezhang plugin."""
