"""The plan in words and files: the pharmacist's text, the JSON, the patient's calendar and .ics."""
