"""One module per command: options in, one call into the library, results printed."""
