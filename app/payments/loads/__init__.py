"""Cash loaded onto a card at a branch counter, and the cardholder's balance."""
