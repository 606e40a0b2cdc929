"""The double-entry ledger: accounts, balanced transfers, shortfalls, the books' checks and the
rollup of old detail. Every other payments sub-package builds on it; it builds on none of them."""
