"""Sources: everything that produces Events (input files and streams, the ECI API)."""
