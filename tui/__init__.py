"""The Textual app that shows the lessons: one widget per panel type, the lab view, the command line and serve."""
