"""The SQL layer shared by the backends: schema, migrations, row codecs and dialect-independent rules."""
