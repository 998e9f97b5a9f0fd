"""The data tables medplan plans from: each CSV or TOML file, loaded once and checked on load."""
