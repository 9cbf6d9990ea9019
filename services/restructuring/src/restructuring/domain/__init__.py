"""The restructuring domain: entities, value objects, rules and events in plain Python.

Nothing here imports grpc or sqlalchemy.
"""
