"""HTTP: thin routers, wire schemas, dependencies and the error table."""
