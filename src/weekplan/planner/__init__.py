"""The use cases: what a worker or a client can do, each call one unit of work."""
