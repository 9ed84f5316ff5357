"""The core: pure, typed, no Typer, no Rich, no I/O: model, dates, query, summaries."""
