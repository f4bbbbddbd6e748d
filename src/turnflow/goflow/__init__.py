"""goflow / RapidPro (current spec) flows: contexts, and later the reader, actions and routers."""
