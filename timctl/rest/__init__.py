"""The signed REST client. No Click in here."""
