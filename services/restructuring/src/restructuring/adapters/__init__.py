"""restructuring adapters: tables, repositories, clients of peer services and external systems."""
