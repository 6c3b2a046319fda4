"""Developer scripts run by hand (not imported by the app): tools/make_icons.py."""
