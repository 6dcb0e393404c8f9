"""One module per command; each holds the click definition and nothing heavier than it needs."""
