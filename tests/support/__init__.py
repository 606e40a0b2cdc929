"""What the tests share: builders of rows, HTTP helpers, the SIP2 library stand-in."""
