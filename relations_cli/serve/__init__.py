"""`relations serve`: a live preview of the web page (page: what is shown; server: HTTP)."""
