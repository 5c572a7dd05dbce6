"""gui package of the Hezhang plugin."""
