"""Independent labelled evaluation set for name matching (generator and tables)."""
