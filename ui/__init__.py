"""Qt Designer forms, shipped as package data (``shopdesk.forms``)."""
