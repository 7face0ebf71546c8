"""The medicines domain, in plain Python: the knowledge base (YAML in `data/`), the name
resolver that reads what people type, and the interaction engine. No Django, no ORM, no
request: the web layer (`interactions/`) and the guides (`articles/`) call in, never the
other way round."""
