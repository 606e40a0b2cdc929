"""The audit trail as an auditor reads it, actors and cards named: above every domain it names,
while app/audit (which every domain writes to) stays below them all."""
