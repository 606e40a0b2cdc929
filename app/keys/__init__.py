"""The city's credential signing keys: creation, rotation and the published JWK set."""
