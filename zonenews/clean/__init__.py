"""Clean: boilerplate lines, in-page duplicates and normalising, from raw fields to a record."""
