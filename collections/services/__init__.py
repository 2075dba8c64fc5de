"""The code that changes the museum's records with rules attached.

The admin, the APIs, the importers and the demo all go through these functions.
"""
