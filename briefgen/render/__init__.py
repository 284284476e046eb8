"""One module per output format: a prepared view in, the file's bytes out."""
