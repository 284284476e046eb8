"""briefgen: analysts' YAML briefs rendered as HTML pages, PDF policy briefs and wiki Markdown."""

__version__ = "0.1.0"
