"""The ticket pages: list, ticket, new ticket."""
