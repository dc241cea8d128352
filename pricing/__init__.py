"""Model identity, the price book, and the cost of usage."""
