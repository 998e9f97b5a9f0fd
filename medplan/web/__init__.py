"""The HTTP service: the application, its routes and the pharmacist's page (the ``server`` extra)."""
