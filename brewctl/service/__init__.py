"""The daemon: the imperative shell around the pure control core."""
