"""`relations browse`: the full-screen explorer (Textual), reading through the same engine as
every command. Only `app` imports Textual; `model` and `session` are plain Python."""
