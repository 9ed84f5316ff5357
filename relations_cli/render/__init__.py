"""Rendering: the output formats (plain, JSON, CSV, Markdown) and the Rich terminal views.

Only `terminal` imports Rich, and only when a command draws for a terminal.
"""
