"""Peer review of the knowledge base against the ANSM interaction thesaurus (`make peer-review`)."""
