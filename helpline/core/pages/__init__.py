"""Web pages of the core app: the home page and the account pages."""
