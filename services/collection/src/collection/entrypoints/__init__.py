"""collection entrypoints: the gRPC servicers and event consumers, and the wiring in app.py."""
