"""Error classification actions, retry/backoff, fallback chains, cooldown and breaker."""
