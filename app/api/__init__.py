"""HTTP API: dependencies and routers."""
