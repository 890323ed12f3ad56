"""The REST routers of the server, one module per area of the elizaOS API."""
