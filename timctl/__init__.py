"""timctl: admin and scripting CLI for the Tencent Cloud IM server REST API."""

__version__ = "0.1.0"
