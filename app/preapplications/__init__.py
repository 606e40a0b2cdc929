"""Pre-applications: what a resident types at home before coming to the counter, kept sealed
under its reference code until a clerk opens it, and deleted after a set number of days."""
