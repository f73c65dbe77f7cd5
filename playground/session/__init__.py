"""Compare sessions: panes, transcripts, metrics, persistence and export."""
