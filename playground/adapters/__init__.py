"""One module per wire protocol, plus the shared SSE / NDJSON decoders."""
