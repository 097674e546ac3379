"""The sync engine: pull, merge, push and the ledger they share."""
