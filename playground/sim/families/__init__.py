"""One module per protocol family the simulator speaks."""
