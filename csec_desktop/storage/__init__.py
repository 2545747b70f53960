"""The encrypted vault: keys, the SQLCipher connection, schema, records, search, audit."""
