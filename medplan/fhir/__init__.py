"""Hospital systems' formats: a FHIR R4 Bundle in, CDS Hooks cards out (the ``fhir`` extra)."""
