"""The simulated provider: real wire formats on loopback with scripted behaviour and faults."""
