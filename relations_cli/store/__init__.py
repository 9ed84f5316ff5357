"""Files and the cache: which timeline, the strict loader, the index, parallel builds and
atomic writes."""
